import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex, writePackage } from '@exam/crypto';
import { type AnswerPackage, ERROR_CODES, ProtocolError } from '@exam/protocol';
import { appendAudit } from '../audit/auditLog.js';
import { listChanges } from '../db/tables/answers.js';
import { listAudit } from '../db/tables/audit.js';
import { listCandidateSittingsOf } from '../db/tables/candidateSittings.js';
import { getCandidate } from '../db/tables/candidates.js';
import { recordExport } from '../db/tables/exports.js';
import { getMeta } from '../db/tables/meta.js';
import { getSittingMeta } from '../db/tables/sittings.js';
import { readSnapshot, writeTransaction } from '../db/transactions.js';
import type { SiteContext } from './context.js';

/** Writes a file so that a crash leaves either the old file or the whole new one. */
function writeFileDurably(path: string, bytes: Buffer): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, bytes);
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function buildAnswerPackage(ctx: SiteContext, sittingId: string): AnswerPackage {
  const sitting = getSittingMeta(ctx.db, sittingId);
  if (!sitting) throw new ProtocolError(ERROR_CODES.UNKNOWN_SITTING, `Unknown sitting ${sittingId}.`);
  return {
    examId: getMeta(ctx.db, 'examId')!,
    siteId: getMeta(ctx.db, 'siteId')!,
    sittingId,
    subjectCode: sitting.subject_code,
    exportedAt: ctx.clock.now(),
    candidates: listCandidateSittingsOf(ctx.db, sittingId).map((cs) => ({
      ticketNo: cs.ticket_no,
      roomId: cs.room_id,
      seatNo: cs.seat_no ?? getCandidate(ctx.db, cs.ticket_no)?.seat_no ?? null,
      status: cs.status,
      handedInAt: cs.handed_in_at,
      handInKind: cs.hand_in_kind,
      extensionMs: cs.extension_ms,
      changes: listChanges(ctx.db, cs.ticket_no, sittingId).map((c) => ({
        seq: c.seq,
        itemId: c.item_id,
        value: JSON.parse(c.value),
        flagged: c.flagged === 1,
        receivedAt: c.received_at,
      })),
    })),
    audit: listAudit(ctx.db).map((a) => ({
      seq: a.seq,
      at: a.at,
      actorRole: a.actor_role,
      actorId: a.actor_id,
      action: a.action,
      subject: a.subject,
      data: JSON.parse(a.data),
      prevHash: a.prev_hash,
      hash: a.hash,
    })),
  };
}

/**
 * The sitting's answer package: signed with the site key and encrypted to the centre that
 * signed the exam data, so only the centre can read it and anyone can tell it is intact.
 */
export function writeAnswerPackage(ctx: SiteContext, sittingId: string): { path: string; sha256: string } {
  const centreCertPem = getMeta(ctx.db, 'centreCertPem');
  if (!centreCertPem) throw new ProtocolError(ERROR_CODES.NOT_READY, 'No exam data has been imported.');
  const at = ctx.clock.now();
  // The export event goes into the chain first, so the package carries its own record.
  writeTransaction(ctx.db, () =>
    appendAudit(ctx.db, at, {
      actorRole: 'system',
      actorId: 'site',
      action: 'answers.exported',
      subject: sittingId,
    }),
  );
  // One snapshot: the answer writer thread may commit late changes while this reads.
  const pkg = readSnapshot(ctx.db, () => buildAnswerPackage(ctx, sittingId));
  const bytes = writePackage({
    kind: 'answers',
    payload: Buffer.from(JSON.stringify(pkg)),
    meta: {
      examId: pkg.examId,
      siteId: pkg.siteId,
      sittingId,
      candidates: pkg.candidates.length,
      changes: pkg.candidates.reduce((n, c) => n + c.changes.length, 0),
    },
    signerCertPem: ctx.identity.certPem,
    signerPrivateKeyPem: ctx.identity.privateKeyPem,
    recipientCertPem: centreCertPem,
    now: new Date(at),
  });
  mkdirSync(ctx.exportDir, { recursive: true });
  const path = join(ctx.exportDir, `answers-${pkg.siteId}-${sittingId}.exampkg`);
  writeFileDurably(path, bytes);
  const sha256 = sha256Hex(bytes);
  recordExport(ctx.db, sittingId, path, sha256, at);
  ctx.log.info({ sittingId, path, sha256 }, 'answer package written');
  return { path, sha256 };
}
