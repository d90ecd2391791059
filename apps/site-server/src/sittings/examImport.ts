import { openFromString, PackageError, readPackage, sha256Hex, wrapKey } from '@exam/crypto';
import {
  arrangementProblems,
  MINUTE_MS,
  minutesText,
  RULES,
  type ScheduledSitting,
  siteLocalDateTime,
  sittingGapConflict,
} from '@exam/domain';
import {
  authorizationSchema,
  ERROR_CODES,
  examDataSchema,
  ProtocolError,
  parseMessage,
} from '@exam/protocol';
import { appendAudit } from '../audit/auditLog.js';
import { checkProvinceCertificate } from '../backups/provinceCertificate.js';
import { ensureCandidateSitting } from '../candidates/candidateSittingsTable.js';
import { insertCandidate } from '../candidates/candidatesTable.js';
import { writeTransaction } from '../db/transactions.js';
import { registerKey } from '../proctors/registeredKeysTable.js';
import { insertRoom } from '../rooms/roomsTable.js';
import type { SiteContext } from '../site/context.js';
import { getMeta, setMeta } from '../site/metaTable.js';
import { insertPaperProof } from './paperProofsTable.js';
import { ensureRoomSitting } from './roomSittingsTable.js';
import { getSitting, insertSitting, putSittingKey } from './sittingsTable.js';

function openPackage(ctx: SiteContext, bytes: Buffer, kind: 'exam-data' | 'authorization') {
  try {
    return readPackage(bytes, {
      trustedRootPem: ctx.identity.trustedRootPem,
      recipientPrivateKeyPem: ctx.identity.privateKeyPem,
      recipientCertPem: ctx.identity.certPem,
      expectedKind: kind,
      allowedSignerRoles: ['centre'],
      now: new Date(ctx.clock.now()),
    });
  } catch (e) {
    if (e instanceof PackageError) {
      throw new ProtocolError(ERROR_CODES.BAD_PACKAGE, e.message, { reason: e.code });
    }
    throw e;
  }
}

function parseJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    throw new ProtocolError(ERROR_CODES.BAD_PACKAGE, 'The package payload is not valid JSON.');
  }
}

export interface ImportSummary {
  examId: string;
  siteId: string;
  /** Names and the batch count, for the admin page's verification result in words. */
  examName: string;
  siteName: string;
  batches: number;
  rooms: number;
  sittings: number;
  candidates: number;
  registeredKeys: number;
}

/**
 * Imports the exam data for this site: verified and decrypted before a byte is used, then
 * stored in one transaction, so a failed import leaves nothing behind.
 */
export function importExamData(ctx: SiteContext, bytes: Buffer): ImportSummary {
  const pkg = openPackage(ctx, bytes, 'exam-data');
  const data = parseMessage(examDataSchema, parseJson(pkg.payload));
  if (getMeta(ctx.db, 'examId')) {
    throw new ProtocolError(
      ERROR_CODES.BAD_PACKAGE,
      'Exam data has already been imported on this site server.',
    );
  }
  const rooms = new Set(data.rooms.map((r) => r.roomId));
  // Refused before anything is stored (annex 4): a room over its overbooking cap, a room over
  // its machines at a site not marked overbooked, seats where there must be none or missing.
  const overbooked = data.site.overbooked ?? false;
  const problems = arrangementProblems(data.rooms, data.candidates, overbooked);
  if (problems.length > 0) {
    throw new ProtocolError(ERROR_CODES.ARRANGEMENT_REFUSED, problems.join('\n'), { problems, overbooked });
  }
  const sittings = new Map<string, ScheduledSitting>(
    data.sittings.map((s) => [
      s.sittingId,
      { sittingId: s.sittingId, level: s.level, scheduledStart: Date.parse(s.scheduledStart) },
    ]),
  );
  for (const c of data.candidates) {
    if (!rooms.has(c.roomId)) {
      throw new ProtocolError(
        ERROR_CODES.BAD_PACKAGE,
        `Candidate ${c.ticketNo} is in unknown room ${c.roomId}.`,
      );
    }
    const own = c.sittingIds.map((id) => {
      const s = sittings.get(id);
      if (!s) {
        throw new ProtocolError(
          ERROR_CODES.BAD_PACKAGE,
          `Candidate ${c.ticketNo} has unknown sitting ${id}.`,
        );
      }
      return s;
    });
    // Refused before anything is stored: an arrangement the notice does not allow is the
    // centre's to correct, not the site's to run.
    const conflict = sittingGapConflict(own);
    if (conflict) {
      const at = (s: ScheduledSitting) => `${s.sittingId} (${siteLocalDateTime(s.scheduledStart)})`;
      throw new ProtocolError(
        ERROR_CODES.BAD_PACKAGE,
        `Candidate ${c.ticketNo} (${c.name}) sits ${at(conflict.earlier)} and ${at(conflict.later)}, ` +
          `${Math.round(conflict.gapMs / MINUTE_MS)} minutes from the end of one to the start of the other; ` +
          `the notice requires at least ${minutesText(RULES.gapBetweenSittingsMs)}.`,
        { ticketNo: c.ticketNo, sittingIds: [conflict.earlier.sittingId, conflict.later.sittingId] },
      );
    }
  }
  // Backups are sealed for the province (issue 18): its certificate must come from our centre.
  const province = checkProvinceCertificate(
    ctx.identity.trustedRootPem,
    data.province,
    new Date(ctx.clock.now()),
  );
  const papers = new Map(data.papers.map((p) => [p.sittingId, p]));
  writeTransaction(ctx.db, () => {
    setMeta(ctx.db, 'examId', data.examId);
    setMeta(ctx.db, 'examName', data.examName);
    setMeta(ctx.db, 'siteId', data.site.siteId);
    setMeta(ctx.db, 'siteName', data.site.name);
    setMeta(ctx.db, 'overbooked', overbooked ? '1' : '0');
    setMeta(ctx.db, 'arrangementTimestamp', data.arrangementTimestamp);
    // Answers go back, encrypted, to the centre that signed the exam data.
    setMeta(ctx.db, 'centreCertPem', pkg.manifest.signerCertPem);
    setMeta(ctx.db, 'provinceId', province.provinceId);
    setMeta(ctx.db, 'provinceCertPem', province.certPem);
    for (const r of data.rooms) insertRoom(ctx.db, { room_id: r.roomId, name: r.name, seats: r.seats });
    for (const k of data.registeredKeys) {
      registerKey(ctx.db, { fingerprint: k.fingerprint, role: k.role, room_id: k.roomId, holder: k.holder });
    }
    for (const s of data.sittings) {
      const paper = papers.get(s.sittingId);
      if (!paper) throw new ProtocolError(ERROR_CODES.BAD_PACKAGE, `Sitting ${s.sittingId} has no paper.`);
      insertSitting(ctx.db, {
        sitting_id: s.sittingId,
        batch_id: s.batchId,
        subject_code: s.subjectCode,
        subject_name: s.subjectName,
        level: s.level,
        scheduled_start: Date.parse(s.scheduledStart),
        late_entry_cutoff_ms: s.lateEntryCutoffMinutes * MINUTE_MS,
        paper_id: paper.paperId,
        sealed_paper: paper.sealed,
      });
      insertPaperProof(ctx.db, s.sittingId, { paperSha256: paper.paperSha256, signature: paper.signature });
    }
    for (const c of data.candidates) {
      insertCandidate(
        ctx.db,
        {
          ticket_no: c.ticketNo,
          id_number: c.idNumber,
          name: c.name,
          gender: c.gender,
          level: c.level,
          specialty: c.specialty,
          room_id: c.roomId,
          seat_no: c.seatNo,
        },
        c.photoPng,
      );
      for (const s of c.sittingIds) {
        ensureCandidateSitting(ctx.db, c.ticketNo, s);
        ensureRoomSitting(ctx.db, c.roomId, s);
      }
    }
    appendAudit(ctx.db, ctx.clock.now(), {
      actorRole: 'site-admin',
      actorId: 'admin',
      action: 'exam-data.imported',
      subject: data.examId,
      data: {
        packageSha256: sha256Hex(bytes),
        rooms: data.rooms.length,
        sittings: data.sittings.length,
        candidates: data.candidates.length,
        arrangementTimestamp: data.arrangementTimestamp,
      },
    });
  });
  ctx.log.info({ examId: data.examId, candidates: data.candidates.length }, 'exam data imported');
  return {
    examId: data.examId,
    siteId: data.site.siteId,
    examName: data.examName,
    siteName: data.site.name,
    batches: new Set(data.sittings.map((s) => s.batchId)).size,
    rooms: data.rooms.length,
    sittings: data.sittings.length,
    candidates: data.candidates.length,
    registeredKeys: data.registeredKeys.length,
  };
}

/** Imports the authorization: the sitting keys, re-wrapped with the site key at rest. */
export function importAuthorization(
  ctx: SiteContext,
  bytes: Buffer,
): { sittings: string[]; validFrom: string; validUntil: string } {
  const pkg = openPackage(ctx, bytes, 'authorization');
  const auth = parseMessage(authorizationSchema, parseJson(pkg.payload));
  const examId = getMeta(ctx.db, 'examId');
  if (!examId)
    throw new ProtocolError(ERROR_CODES.NOT_READY, 'Import the exam data before the authorization.');
  if (auth.examId !== examId || auth.siteId !== getMeta(ctx.db, 'siteId')) {
    throw new ProtocolError(ERROR_CODES.BAD_PACKAGE, 'This authorization is for another exam or site.');
  }
  const now = ctx.clock.now();
  if (now > Date.parse(auth.validUntil)) {
    throw new ProtocolError(ERROR_CODES.BAD_PACKAGE, `This authorization expired at ${auth.validUntil}.`);
  }
  if (now < Date.parse(auth.validFrom)) {
    throw new ProtocolError(
      ERROR_CODES.BAD_PACKAGE,
      `This authorization is not valid before ${auth.validFrom}; nothing was replaced.`,
    );
  }
  // Freshness: an older authorization (a stale copy, a replay) never replaces the keys of a
  // newer one. The same one again is harmless and accepted.
  const heldIssuedAt = getMeta(ctx.db, 'authorizationIssuedAt');
  if (heldIssuedAt && Date.parse(auth.issuedAt) < Date.parse(heldIssuedAt)) {
    throw new ProtocolError(
      ERROR_CODES.BAD_PACKAGE,
      `This authorization was issued at ${auth.issuedAt}, before the one this site holds ` +
        `(issued at ${heldIssuedAt}); nothing was replaced.`,
      { issuedAt: auth.issuedAt, heldIssuedAt },
    );
  }
  for (const k of auth.sittingKeys) {
    const sitting = getSitting(ctx.db, k.sittingId);
    if (!sitting) {
      throw new ProtocolError(
        ERROR_CODES.BAD_PACKAGE,
        `The authorization names unknown sitting ${k.sittingId}; nothing was replaced.`,
      );
    }
    const key = Buffer.from(k.key, 'base64');
    if (key.length !== 32) {
      throw new ProtocolError(ERROR_CODES.BAD_PACKAGE, `The key for sitting ${k.sittingId} is not 256 bits.`);
    }
    // A key that cannot open its imported paper would only fail at the start, in front of
    // the candidates: try it now, in memory only (never log the key or the paper).
    if (!opensPaper(key, sitting.sealed_paper, k.sittingId)) {
      throw new ProtocolError(
        ERROR_CODES.BAD_PACKAGE,
        `The key for sitting ${k.sittingId} does not open its imported paper: this authorization ` +
          'is for other papers; nothing was replaced.',
        { sittingId: k.sittingId },
      );
    }
  }
  writeTransaction(ctx.db, () => {
    setMeta(ctx.db, 'authorizationIssuedAt', auth.issuedAt);
    for (const k of auth.sittingKeys) {
      putSittingKey(ctx.db, k.sittingId, wrapKey(Buffer.from(k.key, 'base64'), ctx.identity.certPem));
    }
    setMeta(ctx.db, 'authorizedUntil', auth.validUntil);
    // Approval-code keys rest wrapped with the site key, like the sitting keys.
    for (const [name, key] of [
      ['approvalKeyProvince', auth.approvalKeys.province],
      ['approvalKeyCentre', auth.approvalKeys.centre],
    ] as const) {
      setMeta(ctx.db, name, wrapKey(Buffer.from(key, 'base64'), ctx.identity.certPem).toString('base64'));
    }
    appendAudit(ctx.db, now, {
      actorRole: 'site-admin',
      actorId: 'admin',
      action: 'authorization.imported',
      subject: auth.examId,
      data: {
        sittings: auth.sittingKeys.map((k) => k.sittingId),
        issuedAt: auth.issuedAt,
        validUntil: auth.validUntil,
      },
    });
  });
  return {
    sittings: auth.sittingKeys.map((k) => k.sittingId),
    validFrom: auth.validFrom,
    validUntil: auth.validUntil,
  };
}

function opensPaper(key: Buffer, sealedPaper: string, sittingId: string): boolean {
  try {
    openFromString(key, sealedPaper, Buffer.from(sittingId));
    return true;
  } catch {
    return false;
  }
}
