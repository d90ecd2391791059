import {
  approvalCodeKind,
  canOpenLogin,
  decideStart,
  endsAt,
  isTimeUp,
  loginOpensAt,
  MINUTE_MS,
  minutesText,
  RULES,
  siteLocalDate,
  timingFor,
} from '@exam/domain';
import { type EndResult, ERROR_CODES, ProtocolError, type StartResult } from '@exam/protocol';
import type { ApprovalGate } from '../approvals/approvals.js';
import type { Actor } from '../audit/actor.js';
import { appendAudit } from '../audit/auditLog.js';
import {
  countHandedIn,
  listActiveInRoom,
  listLoggedInNotStarted,
  markAbsentNeverLoggedIn,
  setStatus,
} from '../candidates/candidateSittingsTable.js';
import { recordHandIn } from '../candidates/handIn.js';
import { writeTransaction } from '../db/transactions.js';
import { writeAnswerPackage } from '../exports/answerExport.js';
import { endChecklist } from '../rooms/roomOperations.js';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';
import { exportedPackageOf } from '../standalone/standalonePackagesTable.js';
import {
  listRoomSittingsOf,
  listRunningRoomSittings,
  markEnded,
  markLoginOpened,
  markStarted,
} from './roomSittingsTable.js';
import { roomSitting } from './sittingState.js';
import { getSittingMeta, type SittingMeta } from './sittingsTable.js';
import { candidateTiming } from './views.js';

export function openLogin(ctx: SiteContext, actor: Actor, roomId: string, sittingId: string): number {
  const { s, rs } = roomSitting(ctx, roomId, sittingId);
  if (rs.ended_at !== null)
    throw new ProtocolError(ERROR_CODES.SITTING_ENDED, 'This sitting has ended in this room.');
  if (rs.login_opened_at !== null) return rs.login_opened_at;
  const now = ctx.clock.now();
  if (!canOpenLogin(s.scheduled_start, now)) {
    throw new ProtocolError(
      ERROR_CODES.TOO_EARLY,
      `Login opens ${minutesText(RULES.loginOpensBeforeStartMs)} before the scheduled start.`,
      {
        earliestAt: loginOpensAt(s.scheduled_start),
      },
    );
  }
  writeTransaction(ctx.db, () => {
    markLoginOpened(ctx.db, roomId, sittingId, now);
    appendAudit(ctx.db, now, {
      actorRole: actor.role,
      actorId: actor.id,
      action: 'login.opened',
      subject: `${roomId}/${sittingId}`,
    });
  });
  ctx.events.emit('sitting-state', { roomId, sittingId });
  return now;
}

/**
 * The start command for one room's sitting. Up to 30 minutes late needs a recorded reason
 * (the city's consent); later needs an approval code, which the console supplies from the
 * approval-code workflow, so without one it is refused here.
 */
export function startSitting(
  ctx: SiteContext,
  actor: Actor,
  roomId: string,
  req: { sittingId: string; reason?: string | undefined; code?: string | undefined },
  gate: ApprovalGate,
): StartResult {
  const { sittingId, reason } = req;
  const { s, rs } = roomSitting(ctx, roomId, sittingId);
  if (rs.started_at !== null)
    throw new ProtocolError(ERROR_CODES.SITTING_ALREADY_STARTED, 'This sitting has already started.');
  if (!ctx.papers.hasKey(sittingId)) {
    throw new ProtocolError(
      ERROR_CODES.NOT_READY,
      'The exam authorization for this sitting has not been imported.',
    );
  }
  const now = ctx.clock.now();
  const decision = decideStart({ scheduledStart: s.scheduled_start, loginOpenedAt: rs.login_opened_at }, now);
  if (!decision.ok) {
    if (decision.reason === 'LOGIN_NOT_OPEN') {
      throw new ProtocolError(ERROR_CODES.LOGIN_NOT_OPEN, 'Open login for this room before the start.');
    }
    throw new ProtocolError(
      ERROR_CODES.TOO_EARLY,
      'The paper cannot be released before its scheduled start.',
      {
        earliestAt: decision.earliestAt,
      },
    );
  }
  const { authority } = decision;
  const codeKind = approvalCodeKind(authority);
  const params =
    codeKind !== null
      ? ({
          kind: 'delayed-start',
          authority: codeKind,
          siteId: getMeta(ctx.db, 'siteId') ?? '',
          roomId,
          sittingId,
          date: siteLocalDate(s.scheduled_start),
        } as const)
      : null;
  if (params && !req.code) {
    throw new ProtocolError(
      ERROR_CODES.CODE_REQUIRED,
      authority === 'province-code'
        ? `Starting ${RULES.delayedStart.cityConsentUpToMs / MINUTE_MS} to ${minutesText(RULES.delayedStart.provinceCodeUpToMs)} late needs an approval code from the province.`
        : `Starting more than ${minutesText(RULES.delayedStart.provinceCodeUpToMs)} late needs an approval code from the centre.`,
      { authority, delayMs: decision.delayMs },
    );
  }
  if (authority !== 'on-time' && !reason?.trim()) {
    throw new ProtocolError(ERROR_CODES.INVALID_MESSAGE, 'A delayed start needs the reason recorded.');
  }
  const code = params && req.code ? gate.check(req.code, params) : null;
  // Opening the paper here proves the key works before anyone is told the sitting started.
  ctx.papers.items(sittingId);
  writeTransaction(ctx.db, () => {
    if (params && code) gate.consume(code, params);
    markStarted(ctx.db, roomId, sittingId, now, authority, reason ?? null, code);
    for (const cs of listLoggedInNotStarted(ctx.db, roomId, sittingId)) {
      setStatus(ctx.db, cs.ticket_no, sittingId, 'answering');
    }
    appendAudit(ctx.db, now, {
      actorRole: actor.role,
      actorId: actor.id,
      action: 'sitting.started',
      subject: `${roomId}/${sittingId}`,
      data: {
        authority,
        reason: reason ?? null,
        code,
        approval: params,
        delayMs: decision.delayMs,
      },
    });
  });
  ctx.log.info({ roomId, sittingId, authority }, 'sitting started');
  ctx.events.emit('sitting-started', { roomId, sittingId });
  return { startedAt: now, authority };
}

/**
 * Hands in every candidate whose own time is up, stamped with their end time (not the
 * moment the timer noticed). Called on a timer and after a restart.
 */
export function autoHandInDue(ctx: SiteContext): number {
  const now = ctx.clock.now();
  let count = 0;
  // Every room of a sitting shares its row: read it once per tick, not once per room.
  const sittings = new Map<string, SittingMeta>();
  for (const rs of listRunningRoomSittings(ctx.db)) {
    let s = sittings.get(rs.sitting_id);
    if (!s) {
      s = getSittingMeta(ctx.db, rs.sitting_id)!;
      sittings.set(rs.sitting_id, s);
    }
    // Extensions only add time: before the room's base end nobody can be due.
    if (rs.started_at !== null && now < endsAt(timingFor(s.level, rs.started_at, 0))) continue;
    const due = listActiveInRoom(ctx.db, rs.room_id, rs.sitting_id).flatMap((cs) => {
      const t = candidateTiming(s, rs, cs);
      if (t === null || !isTimeUp(t, now)) return [];
      // A candidate on a standalone machine hands in there, on its own count (issue 17):
      // the server's clock does not see the time that machine was off.
      return exportedPackageOf(ctx.db, cs.ticket_no) ? [] : [{ cs, at: endsAt(t) }];
    });
    if (due.length === 0) continue;
    writeTransaction(ctx.db, () => {
      for (const { cs, at } of due) recordHandIn(ctx, cs.ticket_no, cs.sitting_id, 'auto', at);
    });
    for (const { cs, at } of due) {
      ctx.events.emit('handed-in', {
        ticketNo: cs.ticket_no,
        sittingId: cs.sitting_id,
        handedInAt: at,
        kind: 'auto',
      });
      ctx.events.emit('candidate-changed', {
        roomId: rs.room_id,
        ticketNo: cs.ticket_no,
        sittingId: cs.sitting_id,
      });
    }
    count += due.length;
  }
  return count;
}

/**
 * The end command for one room. Refused while anyone is still answering; those who never
 * logged in become absent. When the last room of the sitting ends, the sitting's final
 * answer package is written; until then the admin's status names the rooms still running.
 */
export function endSitting(ctx: SiteContext, actor: Actor, roomId: string, sittingId: string): EndResult {
  const { rs } = roomSitting(ctx, roomId, sittingId);
  if (rs.started_at === null)
    throw new ProtocolError(ERROR_CODES.SITTING_NOT_STARTED, 'This sitting has not started.');
  if (rs.ended_at !== null)
    throw new ProtocolError(ERROR_CODES.SITTING_ENDED, 'This sitting has already ended here.');
  autoHandInDue(ctx);
  const checklist = endChecklist(ctx, roomId, sittingId);
  const answering = checklist.items.find((i) => i.key === 'all-accounted');
  if (answering && !answering.ok) {
    throw new ProtocolError(ERROR_CODES.CANDIDATES_STILL_ANSWERING, answering.detail, {
      tickets: answering.tickets,
      checklist,
    });
  }
  if (!checklist.ready) {
    throw new ProtocolError(ERROR_CODES.CHECKLIST_INCOMPLETE, 'The end-of-sitting checks are not all met.', {
      checklist,
    });
  }
  const now = ctx.clock.now();
  let absent = 0;
  writeTransaction(ctx.db, () => {
    absent = markAbsentNeverLoggedIn(ctx.db, roomId, sittingId);
    markEnded(ctx.db, roomId, sittingId, now);
    appendAudit(ctx.db, now, {
      actorRole: actor.role,
      actorId: actor.id,
      action: 'sitting.ended',
      subject: `${roomId}/${sittingId}`,
      data: { absent },
    });
  });
  ctx.events.emit('sitting-state', { roomId, sittingId });
  ctx.events.emit('room-changed', { roomId });
  const notEnded = listRoomSittingsOf(ctx.db, sittingId)
    .filter((r) => r.ended_at === null)
    .map((r) => r.room_id);
  if (notEnded.length > 0) {
    ctx.log.info({ roomId, sittingId, roomsNotEnded: notEnded }, 'room ended; the final package waits');
  }
  const answerPackage = notEnded.length === 0 ? writeAnswerPackage(ctx, sittingId).path : null;
  const handedIn = countHandedIn(ctx.db, roomId, sittingId);
  return { endedAt: now, handedIn, absent, answerPackage };
}
