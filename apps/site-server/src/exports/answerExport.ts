import { existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { sha256Hex, writePackage } from '@exam/crypto';
import { siteTimeStamp } from '@exam/domain';
import {
  type AnswerPackage,
  type AnswerPackageFinality,
  ERROR_CODES,
  type PackagedTransfer,
  ProtocolError,
} from '@exam/protocol';
import { listChanges } from '../answers/answersTable.js';
import { appendAudit } from '../audit/auditLog.js';
import { listAudit } from '../audit/auditTable.js';
import { listCandidateSittingsOf } from '../candidates/candidateSittingsTable.js';
import { getCandidate } from '../candidates/candidatesTable.js';
import { readSnapshot, writeTransaction } from '../db/transactions.js';
import type { SiteContext } from '../site/context.js';
import { writeFileDurably } from '../site/durableFile.js';
import { getMeta } from '../site/metaTable.js';
import { listRoomSittingsOf } from '../sittings/roomSittingsTable.js';
import { getSittingMeta } from '../sittings/sittingsTable.js';
import { listCandidateTransfers } from '../transfers/transfersTable.js';
import { recordAnswerPackage } from './answerPackagesTable.js';

/** The rooms of the sitting that have not ended, in room order: none, and a package is final. */
export function roomsNotEnded(ctx: SiteContext, sittingId: string): string[] {
  return listRoomSittingsOf(ctx.db, sittingId)
    .filter((r) => r.ended_at === null)
    .map((r) => r.room_id)
    .sort();
}

function finalityNow(ctx: SiteContext, sittingId: string): AnswerPackageFinality {
  const open = roomsNotEnded(ctx, sittingId);
  return open.length === 0 ? { kind: 'final' } : { kind: 'interim', roomsNotEnded: open };
}

/**
 * The file name says what the package is. The final one has the sitting's one name; an
 * interim export says "interim" and the site's local time, and never takes an existing
 * file's name, so an interim export never replaces the final package or another interim.
 */
function packagePath(
  dir: string,
  siteId: string,
  sittingId: string,
  finality: AnswerPackageFinality,
  at: number,
) {
  const base = `answers-${siteId}-${sittingId}`;
  if (finality.kind === 'final') return join(dir, `${base}.exampkg`);
  const stamp = siteTimeStamp(at, { seconds: true });
  for (let n = 1; ; n++) {
    const path = join(dir, `${base}-interim-${stamp}${n === 1 ? '' : `-${n}`}.exampkg`);
    if (!existsSync(path)) return path;
  }
}

function packagedTransfers(ctx: SiteContext, ticketNo: string, sittingId: string) {
  const transfers = listCandidateTransfers(ctx.db, ticketNo, sittingId);
  if (transfers.length === 0) return {};
  return {
    transfers: transfers.map(
      (t): PackagedTransfer => ({
        transferId: t.transfer_id,
        fromRoomId: t.from_room_id,
        toRoomId: t.to_room_id,
        state: t.state,
        reason: t.reason,
        outAt: t.out_at,
        inAt: t.in_at,
        resolvedAt: t.resolved_at,
        outcome: t.outcome,
        note: t.note,
      }),
    ),
  };
}

export function buildAnswerPackage(
  ctx: SiteContext,
  sittingId: string,
  finality: AnswerPackageFinality,
): AnswerPackage {
  const sitting = getSittingMeta(ctx.db, sittingId);
  if (!sitting) throw new ProtocolError(ERROR_CODES.UNKNOWN_SITTING, `Unknown sitting ${sittingId}.`);
  return {
    examId: getMeta(ctx.db, 'examId')!,
    siteId: getMeta(ctx.db, 'siteId')!,
    sittingId,
    subjectCode: sitting.subject_code,
    exportedAt: ctx.clock.now(),
    finality,
    candidates: listCandidateSittingsOf(ctx.db, sittingId).map((cs) => ({
      ticketNo: cs.ticket_no,
      roomId: cs.room_id,
      seatNo: cs.seat_no ?? getCandidate(ctx.db, cs.ticket_no)?.seat_no ?? null,
      status: cs.status,
      handedInAt: cs.handed_in_at,
      handInKind: cs.hand_in_kind,
      extensionMs: cs.extension_ms,
      changes: listChanges(ctx.db, cs.ticket_no, sittingId),
      // Issue 19: only for a candidate who was transferred, so other packages read as before.
      ...packagedTransfers(ctx, cs.ticket_no, sittingId),
    })),
    rooms: listRoomSittingsOf(ctx.db, sittingId)
      .map((rs) => ({
        roomId: rs.room_id,
        startedAt: rs.started_at,
        startAuthority: rs.start_authority,
        startCode: rs.start_code,
        endedAt: rs.ended_at,
      }))
      .sort((a, b) => a.roomId.localeCompare(b.roomId)),
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
 * Final once every room of the sitting has ended; before that an interim export, marked so
 * inside (with the rooms still running) and in its file name.
 */
export function writeAnswerPackage(
  ctx: SiteContext,
  sittingId: string,
): { path: string; sha256: string; finality: AnswerPackageFinality } {
  const centreCertPem = getMeta(ctx.db, 'centreCertPem');
  if (!centreCertPem) throw new ProtocolError(ERROR_CODES.NOT_READY, 'No exam data has been imported.');
  // Checked before anything is recorded: an export of an unknown sitting leaves no audit event.
  if (!getSittingMeta(ctx.db, sittingId))
    throw new ProtocolError(ERROR_CODES.UNKNOWN_SITTING, `Unknown sitting ${sittingId}.`);
  const at = ctx.clock.now();
  // Read, named, recorded and built in one synchronous run: no room can end in between.
  const finality = finalityNow(ctx, sittingId);
  mkdirSync(ctx.exportDir, { recursive: true });
  const path = packagePath(ctx.exportDir, getMeta(ctx.db, 'siteId') ?? 'site', sittingId, finality, at);
  // The export event goes into the chain first, so the package carries its own record.
  writeTransaction(ctx.db, () =>
    appendAudit(ctx.db, at, {
      actorRole: 'system',
      actorId: 'site',
      action: 'answers.exported',
      subject: sittingId,
      data: {
        finality: finality.kind,
        roomsNotEnded: finality.kind === 'interim' ? finality.roomsNotEnded : [],
        file: basename(path),
      },
    }),
  );
  // One snapshot: the answer writer thread may commit late changes while this reads.
  const pkg = readSnapshot(ctx.db, () => buildAnswerPackage(ctx, sittingId, finality));
  const bytes = writePackage({
    kind: 'answers',
    payload: Buffer.from(JSON.stringify(pkg)),
    meta: {
      examId: pkg.examId,
      siteId: pkg.siteId,
      sittingId,
      candidates: pkg.candidates.length,
      changes: pkg.candidates.reduce((n, c) => n + c.changes.length, 0),
      // Readable from the signed manifest without the centre's key: which kind of file this is.
      finality: finality.kind,
    },
    signerCertPem: ctx.identity.certPem,
    signerPrivateKeyPem: ctx.identity.privateKeyPem,
    recipientCertPem: centreCertPem,
    now: new Date(at),
  });
  writeFileDurably(path, bytes);
  const sha256 = sha256Hex(bytes);
  recordAnswerPackage(ctx.db, {
    path,
    sittingId,
    finality: finality.kind,
    roomsNotEnded: finality.kind === 'interim' ? finality.roomsNotEnded : [],
    sha256,
    exportedAt: at,
  });
  ctx.log.info({ sittingId, path, sha256, finality: finality.kind }, 'answer package written');
  ctx.events.emit('answer-package-written', { sittingId, path, sha256, finality: finality.kind });
  return { path, sha256, finality };
}
