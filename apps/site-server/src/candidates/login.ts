import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { decideLogin, minutesText, RULES } from '@exam/domain';
import { ERROR_CODES, type LoginRequest, type LoginResult, ProtocolError } from '@exam/protocol';
import { currentAnswers } from '../answers/answersTable.js';
import { appendAudit } from '../audit/auditLog.js';
import { readSnapshot, writeTransaction } from '../db/transactions.js';
import { unacknowledgedNotices } from '../notices/notices.js';
import { getRoom } from '../rooms/roomsTable.js';
import type { SiteContext } from '../site/context.js';
import type { FailureLimiter } from '../site/failureLimiter.js';
import { getRoomSitting } from '../sittings/roomSittingsTable.js';
import { getSitting, getSittingMeta } from '../sittings/sittingsTable.js';
import { sittingView } from '../sittings/views.js';
import {
  type CandidateSittingRow,
  findBySessionHash,
  getCandidateSitting,
  listSittingsOfCandidate,
  markBack,
  recordLogin,
} from './candidateSittingsTable.js';
import { getCandidate, getCandidatePhoto } from './candidatesTable.js';

export interface MachineInfo {
  machineId: string;
  roomId: string;
  seatNo: number;
}

export interface LoggedIn {
  ticketNo: string;
  sittingId: string;
  roomId: string;
  result: LoginResult;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function sameSecret(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/** The sitting a candidate is here for now: the first of theirs not yet over in their room. */
function currentSitting(ctx: SiteContext, ticketNo: string, roomId: string): CandidateSittingRow | undefined {
  return listSittingsOfCandidate(ctx.db, ticketNo).find((cs) => {
    // An absent mark is undone by the candidate arriving; a hand-in is final.
    if (cs.status === 'handed-in') return false;
    const rs = getRoomSitting(ctx.db, roomId, cs.sitting_id);
    return rs !== undefined && rs.ended_at === null;
  });
}

export function login(
  ctx: SiteContext,
  machine: MachineInfo,
  req: LoginRequest,
  limiter: FailureLimiter,
): LoggedIn {
  const now = ctx.clock.now();
  if (limiter.isBlocked(machine.machineId, now)) {
    throw new ProtocolError(
      ERROR_CODES.RATE_LIMITED,
      `Too many failed logins on this machine; wait ${minutesText(RULES.loginLockout.windowMs)}.`,
    );
  }
  const candidate = getCandidate(ctx.db, req.ticketNo);
  if (!candidate) {
    limiter.recordFailure(machine.machineId, now);
    throw new ProtocolError(ERROR_CODES.UNKNOWN_TICKET, 'No candidate has this ticket number at this site.');
  }
  if (!sameSecret(candidate.id_number, req.idNumber.toUpperCase())) {
    limiter.recordFailure(machine.machineId, now);
    throw new ProtocolError(ERROR_CODES.WRONG_ID_NUMBER, 'The ID number does not match this ticket number.');
  }
  if (candidate.room_id !== machine.roomId) {
    const room = getRoom(ctx.db, candidate.room_id);
    throw new ProtocolError(
      ERROR_CODES.WRONG_ROOM,
      `This candidate sits in room ${room?.name ?? candidate.room_id}.`,
      {
        roomId: candidate.room_id,
      },
    );
  }
  const cs = currentSitting(ctx, candidate.ticket_no, machine.roomId);
  if (!cs) throw new ProtocolError(ERROR_CODES.NO_SITTING, 'This candidate has no sitting left today.');
  const sitting = getSittingMeta(ctx.db, cs.sitting_id)!;
  const rs = getRoomSitting(ctx.db, machine.roomId, cs.sitting_id)!;
  const decision = decideLogin(
    {
      scheduledStart: sitting.scheduled_start,
      startedAt: rs.started_at,
      lateEntryCutoffMs: sitting.late_entry_cutoff_ms,
      openedByProctor: rs.login_opened_at !== null,
    },
    now,
  );
  // A candidate already seated on this machine may come back after the cut-off (a restart),
  // and so may one the proctor reset onto another machine.
  const returning = cs.machine_id === machine.machineId || cs.reset_pending === 1;
  if (!decision.ok && !returning) {
    const message =
      decision.reason === 'LOGIN_NOT_OPEN'
        ? 'Login has not been opened for this room yet.'
        : 'Late entry is closed for this sitting.';
    throw new ProtocolError(ERROR_CODES[decision.reason], message);
  }
  // Without overbooking every candidate has a seat, and the machine must be that seat.
  // (After a reset the proctor has moved the candidate to a spare machine: any seat.)
  if (candidate.seat_no !== null && candidate.seat_no !== machine.seatNo && cs.reset_pending !== 1) {
    throw new ProtocolError(ERROR_CODES.WRONG_SEAT, `This candidate's seat is ${candidate.seat_no}.`, {
      seatNo: candidate.seat_no,
    });
  }
  if (cs.machine_id !== null && cs.machine_id !== machine.machineId) {
    throw new ProtocolError(
      ERROR_CODES.ALREADY_LOGGED_IN,
      'This candidate is logged in on another machine; ask the proctor to reset.',
    );
  }
  limiter.reset(machine.machineId);
  const token = randomBytes(32).toString('base64url');
  const status = rs.started_at !== null ? 'answering' : 'not-started';
  writeTransaction(ctx.db, () => {
    recordLogin(
      ctx.db,
      cs.ticket_no,
      cs.sitting_id,
      machine.machineId,
      machine.seatNo,
      hashToken(token),
      now,
      status,
    );
    markBack(ctx.db, cs.ticket_no, cs.sitting_id, now);
    appendAudit(ctx.db, now, {
      actorRole: 'candidate',
      actorId: cs.ticket_no,
      action: 'candidate.login',
      subject: `${cs.ticket_no}/${cs.sitting_id}`,
      data: {
        machineId: machine.machineId,
        seatNo: machine.seatNo,
        returning,
        wasAbsent: cs.status === 'absent',
      },
    });
  });
  ctx.events.emit('candidate-changed', {
    roomId: machine.roomId,
    ticketNo: cs.ticket_no,
    sittingId: cs.sitting_id,
  });
  return {
    ticketNo: cs.ticket_no,
    sittingId: cs.sitting_id,
    roomId: machine.roomId,
    result: readSnapshot(ctx.db, () => loginResult(ctx, cs.ticket_no, cs.sitting_id, machine.roomId, token)),
  };
}

/**
 * The candidate sitting a session token was issued for, provided it is still this machine's:
 * a token is worth nothing on another machine, nor after a reset released the candidate.
 */
export function sessionOnMachine(
  ctx: SiteContext,
  machine: MachineInfo,
  sessionToken: string,
): CandidateSittingRow {
  const cs = findBySessionHash(ctx.db, hashToken(sessionToken));
  if (!cs || cs.machine_id !== machine.machineId) {
    throw new ProtocolError(
      ERROR_CODES.SESSION_INVALID,
      'This session is no longer valid here; log in again.',
    );
  }
  return cs;
}

/** Reconnect or restart on the same machine: the session token stands in for the ID number. */
export function resume(ctx: SiteContext, machine: MachineInfo, sessionToken: string): LoggedIn {
  const cs = sessionOnMachine(ctx, machine, sessionToken);
  const candidate = getCandidate(ctx.db, cs.ticket_no)!;
  if (cs.down_since !== null) {
    markBack(ctx.db, cs.ticket_no, cs.sitting_id, ctx.clock.now());
    ctx.events.emit('candidate-changed', {
      roomId: candidate.room_id,
      ticketNo: cs.ticket_no,
      sittingId: cs.sitting_id,
    });
  }
  return {
    ticketNo: cs.ticket_no,
    sittingId: cs.sitting_id,
    roomId: candidate.room_id,
    result: readSnapshot(ctx.db, () =>
      loginResult(ctx, cs.ticket_no, cs.sitting_id, candidate.room_id, sessionToken),
    ),
  };
}

/** Read in one snapshot: the acknowledgement and the answers it covers must agree. */
function loginResult(
  ctx: SiteContext,
  ticketNo: string,
  sittingId: string,
  roomId: string,
  token: string,
): LoginResult {
  const candidate = getCandidate(ctx.db, ticketNo)!;
  const cs = getCandidateSitting(ctx.db, ticketNo, sittingId)!;
  const sitting = getSitting(ctx.db, sittingId)!;
  const rs = getRoomSitting(ctx.db, roomId, sittingId)!;
  const room = getRoom(ctx.db, roomId)!;
  const started = rs.started_at !== null;
  return {
    sessionToken: token,
    candidate: {
      ticketNo,
      name: candidate.name,
      level: candidate.level,
      specialty: candidate.specialty,
      photoPng: getCandidatePhoto(ctx.db, ticketNo) ?? '',
      seatNo: cs.seat_no ?? candidate.seat_no ?? 0,
      roomName: room.name,
    },
    sitting: sittingView(sitting, rs, cs, ctx.clock.now()),
    sealedPaper: sitting.sealed_paper,
    sittingKey: started ? ctx.papers.key(sittingId).toString('base64') : null,
    ackSeq: cs.ack_seq,
    answers: currentAnswers(ctx.db, ticketNo, sittingId).map((a) => ({
      itemId: a.item_id,
      value: JSON.parse(a.value),
      flagged: a.flagged === 1,
      seq: a.seq,
    })),
    notices: unacknowledgedNotices(ctx, roomId, sittingId, ticketNo),
  };
}
