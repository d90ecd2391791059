import {
  approvalCodeKind,
  endChecklistItems,
  endsAt,
  isTimeUp,
  MINUTE_MS,
  minutesText,
  RULES,
  siteLocalDate,
  strictestExtensionAuthority,
} from '@exam/domain';
import {
  type EndChecklist,
  ERROR_CODES,
  type ExtendRequest,
  type ExtendResult,
  ProtocolError,
  type ViolationRequest,
} from '@exam/protocol';
import { missingSeqRanges } from '../answers/answersTable.js';
import type { ApprovalGate } from '../approvals/approvals.js';
import { type Actor, actorName } from '../audit/actor.js';
import { appendAudit } from '../audit/auditLog.js';
import {
  getCandidateSitting,
  listRoomCandidates,
  listUnsyncedHandedIn,
  releaseFromMachine,
  setExtension,
  setStatus,
} from '../candidates/candidateSittingsTable.js';
import { getCandidate } from '../candidates/candidatesTable.js';
import { writeTransaction } from '../db/transactions.js';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';
import { getRoomSitting, type RoomSittingRow } from '../sittings/roomSittingsTable.js';
import { getSitting, type SittingRow } from '../sittings/sittingsTable.js';
import { candidateTiming } from '../sittings/views.js';
import { refuseWhileStandalone } from '../standalone/standaloneGuard.js';
import { listExportedTickets } from '../standalone/standalonePackagesTable.js';
import { listOpenTransfersOutOf } from '../transfers/transfersTable.js';
import { insertExtension } from './extensionsTable.js';
import { insertReset } from './resetsTable.js';
import { insertViolation } from './violationsTable.js';

export function roomCandidate(ctx: SiteContext, roomId: string, sittingId: string, ticketNo: string) {
  const candidate = getCandidate(ctx.db, ticketNo);
  const cs = getCandidateSitting(ctx.db, ticketNo, sittingId);
  // A console acts on its own room only: another room's candidate is simply not found here.
  // A candidate taken in by another room (issue 19) is that room's for this sitting.
  if (!candidate || !cs || (cs.taken_in_room ?? candidate.room_id) !== roomId) {
    throw new ProtocolError(
      ERROR_CODES.UNKNOWN_TICKET,
      `Candidate ${ticketNo} does not sit ${sittingId} in this room.`,
    );
  }
  return { candidate, cs };
}

export function runningSitting(
  ctx: SiteContext,
  roomId: string,
  sittingId: string,
): { s: SittingRow; rs: RoomSittingRow } {
  const s = getSitting(ctx.db, sittingId);
  const rs = getRoomSitting(ctx.db, roomId, sittingId);
  if (!s || !rs)
    throw new ProtocolError(ERROR_CODES.UNKNOWN_SITTING, `Room ${roomId} has no sitting ${sittingId}.`);
  if (rs.ended_at !== null)
    throw new ProtocolError(ERROR_CODES.SITTING_ENDED, 'This sitting has ended in this room.');
  return { s, rs };
}

/**
 * Reset: releases a candidate from a broken machine so they can log in on another and go on
 * with every answer the server holds and their remaining time. The old machine is told and
 * locks. Sequences the old machine never delivered are recorded as abandoned ([first, last] runs).
 */
export function resetCandidate(
  ctx: SiteContext,
  actor: Actor,
  roomId: string,
  req: { sittingId: string; ticketNo: string; reason: string },
): { resetAt: number; oldMachineId: string | null } {
  runningSitting(ctx, roomId, req.sittingId);
  const { cs } = roomCandidate(ctx, roomId, req.sittingId, req.ticketNo);
  if (cs.status === 'handed-in' || cs.status === 'absent') {
    throw new ProtocolError(
      ERROR_CODES.NOT_ALLOWED_NOW,
      `This candidate is ${cs.status}; there is nothing to reset.`,
    );
  }
  refuseWhileStandalone(ctx.db, req.ticketNo, 'a reset');
  const now = ctx.clock.now();
  writeTransaction(ctx.db, () => {
    // Read again under the write lock: the answer writer thread may have stored more of
    // this candidate's changes since the checks above.
    const sync = getCandidateSitting(ctx.db, req.ticketNo, req.sittingId)!;
    // As [first, last] runs read from the stored rows: the cost follows what is stored,
    // never the numbers a machine claimed (issue 16).
    const abandoned = missingSeqRanges(ctx.db, req.ticketNo, req.sittingId, sync.ack_seq, sync.max_seq);
    // Downtime counts from when the server lost the machine: its socket's drop, noted then
    // (noteDowntime); if it is still connected (a frozen screen whose client still answers
    // pings), from this reset, when the server lets go of it. Never from the last answer
    // saved: a candidate may have been thinking for twenty minutes before the failure.
    releaseFromMachine(ctx.db, req.ticketNo, req.sittingId, now);
    insertReset(ctx.db, {
      at: now,
      room_id: roomId,
      sitting_id: req.sittingId,
      ticket_no: req.ticketNo,
      old_machine_id: cs.machine_id,
      reason: req.reason,
      actor: actorName(actor),
      abandoned_seqs: JSON.stringify(abandoned),
    });
    appendAudit(ctx.db, now, {
      actorRole: actor.role,
      actorId: actor.id,
      action: 'candidate.reset',
      subject: `${req.ticketNo}/${req.sittingId}`,
      data: { reason: req.reason, oldMachineId: cs.machine_id, abandonedSeqs: abandoned },
    });
  });
  ctx.events.emit('candidate-reset', {
    ticketNo: req.ticketNo,
    sittingId: req.sittingId,
    reason: req.reason,
  });
  ctx.events.emit('candidate-changed', { roomId, ticketNo: req.ticketNo, sittingId: req.sittingId });
  return { resetAt: now, oldMachineId: cs.machine_id };
}

/**
 * Time extension, cumulative per candidate: up to 10 minutes the proctor grants it; up to
 * 60 needs a province code; beyond, a centre code. One code covers the whole request.
 */
export function extendTime(
  ctx: SiteContext,
  actor: Actor,
  roomId: string,
  req: ExtendRequest,
  gate: ApprovalGate,
): ExtendResult {
  const { s, rs } = runningSitting(ctx, roomId, req.sittingId);
  if (rs.started_at === null)
    throw new ProtocolError(ERROR_CODES.SITTING_NOT_STARTED, 'The sitting has not started.');
  const tickets = [...new Set(req.tickets)].sort();
  const now = ctx.clock.now();
  const rows = tickets.map((t) => {
    const { cs } = roomCandidate(ctx, roomId, req.sittingId, t);
    if (cs.status === 'handed-in' || cs.status === 'absent') {
      throw new ProtocolError(
        ERROR_CODES.NOT_ALLOWED_NOW,
        `Candidate ${t} is ${cs.status}; time cannot be added.`,
      );
    }
    refuseWhileStandalone(ctx.db, t, 'adding time');
    return cs;
  });
  const addMs = req.minutes * MINUTE_MS;
  const authority = strictestExtensionAuthority(
    rows.map((cs) => cs.extension_ms),
    addMs,
  );
  const codeKind = approvalCodeKind(authority);
  let code: string | null = null;
  const params =
    codeKind === null
      ? null
      : ({
          kind: 'extension',
          authority: codeKind,
          siteId: getMeta(ctx.db, 'siteId') ?? '',
          roomId,
          sittingId: req.sittingId,
          date: siteLocalDate(s.scheduled_start),
          tickets,
          minutes: req.minutes,
        } as const);
  if (params) {
    if (!req.code) {
      throw new ProtocolError(
        ERROR_CODES.CODE_REQUIRED,
        authority === 'province-code'
          ? `A cumulative extension over ${minutesText(RULES.extension.proctorUpToMs)} needs an approval code from the province.`
          : `A cumulative extension over ${minutesText(RULES.extension.provinceCodeUpToMs)} needs an approval code from the centre.`,
        { authority, tickets, minutes: req.minutes },
      );
    }
    code = gate.check(req.code, params);
  }
  const result: ExtendResult = { authority, tickets: [] };
  writeTransaction(ctx.db, () => {
    if (params && code) gate.consume(code, params);
    for (const cs of rows) {
      const total = cs.extension_ms + addMs;
      setExtension(ctx.db, cs.ticket_no, req.sittingId, total);
      insertExtension(ctx.db, {
        at: now,
        room_id: roomId,
        sitting_id: req.sittingId,
        ticket_no: cs.ticket_no,
        minutes: req.minutes,
        cumulative_ms: total,
        authority,
        code,
        reason: req.reason,
        actor: actorName(actor),
      });
      const t = candidateTiming(s, rs, { extension_ms: total });
      result.tickets.push({ ticketNo: cs.ticket_no, extensionMs: total, endsAt: t ? endsAt(t) : null });
    }
    appendAudit(ctx.db, now, {
      actorRole: actor.role,
      actorId: actor.id,
      action: 'time.extended',
      subject: `${roomId}/${req.sittingId}`,
      data: { tickets, minutes: req.minutes, authority, code, reason: req.reason, approval: params },
    });
  });
  for (const t of tickets) {
    ctx.events.emit('candidate-timing', { roomId, ticketNo: t, sittingId: req.sittingId });
    ctx.events.emit('candidate-changed', { roomId, ticketNo: t, sittingId: req.sittingId });
  }
  return result;
}

/** Marks a candidate absent, or undoes it (they arrived after all). */
export function setAbsent(
  ctx: SiteContext,
  actor: Actor,
  roomId: string,
  req: { sittingId: string; ticketNo: string; absent: boolean },
): { status: string } {
  runningSitting(ctx, roomId, req.sittingId);
  const { cs } = roomCandidate(ctx, roomId, req.sittingId, req.ticketNo);
  const now = ctx.clock.now();
  if (req.absent && (cs.status !== 'not-started' || cs.machine_id !== null)) {
    throw new ProtocolError(
      ERROR_CODES.NOT_ALLOWED_NOW,
      'Only a candidate who has not logged in can be marked absent.',
    );
  }
  if (!req.absent && cs.status !== 'absent') return { status: cs.status };
  const status = req.absent ? 'absent' : 'not-started';
  writeTransaction(ctx.db, () => {
    setStatus(ctx.db, req.ticketNo, req.sittingId, status);
    appendAudit(ctx.db, now, {
      actorRole: actor.role,
      actorId: actor.id,
      action: req.absent ? 'candidate.marked-absent' : 'candidate.absence-undone',
      subject: `${req.ticketNo}/${req.sittingId}`,
    });
  });
  ctx.events.emit('candidate-changed', { roomId, ticketNo: req.ticketNo, sittingId: req.sittingId });
  return { status };
}

export function recordViolation(
  ctx: SiteContext,
  actor: Actor,
  roomId: string,
  req: ViolationRequest,
): number {
  const s = getSitting(ctx.db, req.sittingId);
  if (!s) throw new ProtocolError(ERROR_CODES.UNKNOWN_SITTING, `Unknown sitting ${req.sittingId}.`);
  roomCandidate(ctx, roomId, req.sittingId, req.ticketNo);
  const now = ctx.clock.now();
  let id = 0;
  writeTransaction(ctx.db, () => {
    id = insertViolation(ctx.db, {
      at: now,
      room_id: roomId,
      sitting_id: req.sittingId,
      ticket_no: req.ticketNo,
      category: req.category,
      description: req.description,
      notified_at: req.notified ? now : null,
      candidate_statement: req.candidateStatement ?? null,
      actor: actorName(actor),
    });
    appendAudit(ctx.db, now, {
      actorRole: actor.role,
      actorId: actor.id,
      action: 'violation.recorded',
      subject: `${req.ticketNo}/${req.sittingId}`,
      data: { violationId: id, category: req.category, description: req.description, notified: req.notified },
    });
  });
  ctx.events.emit('candidate-changed', { roomId, ticketNo: req.ticketNo, sittingId: req.sittingId });
  return id;
}

/**
 * The end-of-sitting checks for one room's sitting: the rules are the domain's
 * (`endChecklistItems`); this gathers their facts from the tables.
 */
export function endChecklist(ctx: SiteContext, roomId: string, sittingId: string): EndChecklist {
  const s = getSitting(ctx.db, sittingId);
  const rs = getRoomSitting(ctx.db, roomId, sittingId);
  if (!s || !rs)
    throw new ProtocolError(ERROR_CODES.UNKNOWN_SITTING, `Room ${roomId} has no sitting ${sittingId}.`);
  const now = ctx.clock.now();
  const candidates = listRoomCandidates(ctx.db, roomId, sittingId).map((cs) => {
    const t = cs.status === 'answering' ? candidateTiming(s, rs, cs) : null;
    return {
      ticketNo: cs.ticket_no,
      status: cs.status,
      onMachine: cs.machine_id !== null,
      timeUp: t !== null && isTimeUp(t, now),
    };
  });
  const unsyncedHandedIn = listUnsyncedHandedIn(ctx.db, roomId, sittingId).map((cs) => cs.ticket_no);
  const standaloneExported = listExportedTickets(ctx.db, roomId, sittingId);
  const openTransfersOut = listOpenTransfersOutOf(ctx.db, roomId, sittingId);
  return {
    sittingId,
    ...endChecklistItems({
      started: rs.started_at !== null,
      candidates,
      unsyncedHandedIn,
      standaloneExported,
      openTransfersOut,
    }),
  };
}
