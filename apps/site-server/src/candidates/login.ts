import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { decideLogin, isTimeUp } from '@exam/domain';
import {
  ERROR_CODES,
  type LoginRequest,
  type LoginResult,
  type PaperProof,
  ProtocolError,
} from '@exam/protocol';
import { currentAnswers } from '../answers/answersTable.js';
import { appendAudit } from '../audit/auditLog.js';
import { readSnapshot, writeTransaction } from '../db/transactions.js';
import { unacknowledgedNotices } from '../notices/notices.js';
import { getRoom } from '../rooms/roomsTable.js';
import type { SiteContext } from '../site/context.js';
import { machineKey } from '../site/machineKey.js';
import { getMeta } from '../site/metaTable.js';
import { getPaperProof } from '../sittings/paperProofsTable.js';
import { getRoomSitting } from '../sittings/roomSittingsTable.js';
import { getSitting, getSittingMeta } from '../sittings/sittingsTable.js';
import { candidateTiming, sittingView } from '../sittings/views.js';
import { refuseIfSessionWentStandalone, refuseIfStandaloneActive } from '../standalone/standaloneGuard.js';
import { otherHolderOfMachine, seatsInUse } from '../transfers/seatsTable.js';
import { openTransferOf } from '../transfers/transfersTable.js';
import {
  type CandidateSittingRow,
  findBySessionHash,
  getCandidateSitting,
  markBack,
  recordLogin,
} from './candidateSittingsTable.js';
import { getCandidate, getCandidatePhoto } from './candidatesTable.js';
import { currentSittingOf } from './currentSitting.js';
import { type LoginFailureReason, recordLoginFailure } from './loginFailures.js';
import type { LoginLockouts } from './loginLockouts.js';

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

export function login(
  ctx: SiteContext,
  machine: MachineInfo,
  req: LoginRequest,
  lockouts: LoginLockouts,
): LoggedIn {
  const now = ctx.clock.now();
  const machineId = machineKey(machine);
  lockouts.check(machineId, req.ticketNo, now);
  // Every reason below gets the same answer and counts the same against both lock-outs, so
  // neither the reply nor a lock-out tells a guesser which part was wrong; the proctor's
  // console gets the precise reason.
  const refuse = (reason: LoginFailureReason, ticketNo: string | null, detail: string): never => {
    lockouts.recordFailure(machineId, req.ticketNo, now);
    recordLoginFailure(ctx, machine, ticketNo, reason, detail);
    throw new ProtocolError(ERROR_CODES.LOGIN_FAILED, 'The ticket number or ID number is not correct.');
  };
  const candidate = getCandidate(ctx.db, req.ticketNo);
  if (!candidate) return refuse('UNKNOWN_TICKET', null, req.ticketNo);
  if (!sameSecret(candidate.id_number, req.idNumber.toUpperCase())) {
    return refuse('WRONG_ID_NUMBER', candidate.ticket_no, candidate.ticket_no);
  }
  refuseIfStandaloneActive(ctx.db, candidate.ticket_no);
  const current = currentSittingOf(ctx.db, candidate);
  // Transferred out and taken in by no room yet (issue 19): in no room, the sending one
  // included. The candidate is identified by now, so the reason tells a guesser nothing.
  const transfer = current && openTransferOf(ctx.db, candidate.ticket_no, current.cs.sitting_id);
  if (transfer) {
    const from = getRoom(ctx.db, transfer.from_room_id);
    throw new ProtocolError(
      ERROR_CODES.TRANSFERRED_OUT,
      `This candidate was transferred out of ${from?.name ?? transfer.from_room_id}; they log in at the room ` +
        'that takes them in, once its proctor has done so.',
      { fromRoomId: transfer.from_room_id, transferId: transfer.transfer_id },
    );
  }
  const candidateRoom = current?.roomId ?? candidate.room_id;
  if (candidateRoom !== machine.roomId) {
    const room = getRoom(ctx.db, candidateRoom);
    return refuse('WRONG_ROOM', candidate.ticket_no, room?.name ?? candidateRoom);
  }
  if (!current) return refuse('NO_SITTING', candidate.ticket_no, candidate.ticket_no);
  const { cs } = current;
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
  refuseWrongSeat(ctx, candidate.seat_no, cs, machine);
  if (cs.machine_id !== null && cs.machine_id !== machine.machineId) {
    throw new ProtocolError(
      ERROR_CODES.ALREADY_LOGGED_IN,
      'This candidate is logged in on another machine; ask the proctor to reset.',
    );
  }
  lockouts.succeeded(machineId, req.ticketNo);
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
 * Which machine a candidate may log in at. At an overbooked site (annex 4) the whole site
 * seats at entry: any free approved machine of the candidate's current room, or the seat the
 * proctor drew and confirmed for them. Otherwise the machine must be the arranged seat.
 * (After a reset the proctor has moved the candidate to a spare machine: any seat.) Anywhere,
 * a machine holding another candidate of this sitting takes no second one.
 */
function refuseWrongSeat(
  ctx: SiteContext,
  arrangedSeat: number | null,
  cs: CandidateSittingRow,
  machine: MachineInfo,
): void {
  const overbooked = getMeta(ctx.db, 'overbooked') === '1';
  const assigned = overbooked ? cs.reserved_seat : arrangedSeat;
  if (assigned !== null && assigned !== machine.seatNo && cs.reset_pending !== 1) {
    throw new ProtocolError(ERROR_CODES.WRONG_SEAT, `This candidate's seat is ${assigned}.`, {
      seatNo: assigned,
    });
  }
  const holder = otherHolderOfMachine(ctx.db, cs.sitting_id, machine.machineId, cs.ticket_no);
  if (holder) {
    throw new ProtocolError(
      ERROR_CODES.SEAT_TAKEN,
      `Seat ${machine.seatNo} is taken by another candidate of this sitting; log in at a free machine.`,
      { seatNo: machine.seatNo },
    );
  }
  if (overbooked && cs.machine_id !== machine.machineId) {
    const reservedFor = seatsInUse(ctx.db, machine.roomId, cs.sitting_id).find(
      (s) => s.seatNo === machine.seatNo && s.ticketNo !== cs.ticket_no,
    );
    if (reservedFor) {
      throw new ProtocolError(
        ERROR_CODES.SEAT_TAKEN,
        `Seat ${machine.seatNo} is assigned to another candidate; log in at a free machine.`,
        { seatNo: machine.seatNo },
      );
    }
  }
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

/**
 * A handed-in or ended sitting is not resumed for answering (issue 16): the machine shows its
 * end screen, and delivers what it still holds with answer:deliver under the same token.
 */
function refuseIfOver(ctx: SiteContext, roomId: string, cs: CandidateSittingRow): void {
  const rs = getRoomSitting(ctx.db, roomId, cs.sitting_id);
  // Whether the room's sitting is over too: the machine then moves on to its login screen.
  const sittingEnded = rs?.ended_at != null;
  if (cs.status === 'handed-in') {
    // What the machine's end screen shows: when, and whether it was the candidate or the clock.
    throw new ProtocolError(ERROR_CODES.HANDED_IN, 'This paper has been handed in.', {
      sittingId: cs.sitting_id,
      handedInAt: cs.handed_in_at,
      kind: cs.hand_in_kind ?? 'manual',
      sittingEnded,
    });
  }
  const sitting = getSittingMeta(ctx.db, cs.sitting_id);
  const timing = rs && sitting ? candidateTiming(sitting, rs, cs) : null;
  if (sittingEnded || (timing !== null && isTimeUp(timing, ctx.clock.now()))) {
    throw new ProtocolError(ERROR_CODES.AFTER_END, "The candidate's time is over.", {
      sittingId: cs.sitting_id,
      sittingEnded,
    });
  }
}

/** Reconnect or restart on the same machine: the session token stands in for the ID number. */
export function resume(ctx: SiteContext, machine: MachineInfo, sessionToken: string): LoggedIn {
  refuseIfSessionWentStandalone(ctx.db, hashToken(sessionToken));
  const cs = sessionOnMachine(ctx, machine, sessionToken);
  const candidate = getCandidate(ctx.db, cs.ticket_no)!;
  // A candidate taken in by another room (issue 19) sits this sitting there.
  const roomId = cs.taken_in_room ?? candidate.room_id;
  refuseIfOver(ctx, roomId, cs);
  if (cs.down_since !== null) {
    markBack(ctx.db, cs.ticket_no, cs.sitting_id, ctx.clock.now());
    ctx.events.emit('candidate-changed', {
      roomId,
      ticketNo: cs.ticket_no,
      sittingId: cs.sitting_id,
    });
  }
  return {
    ticketNo: cs.ticket_no,
    sittingId: cs.sitting_id,
    roomId,
    result: readSnapshot(ctx.db, () => loginResult(ctx, cs.ticket_no, cs.sitting_id, roomId, sessionToken)),
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
    paperProof: paperProofOf(ctx, sittingId),
    sittingKey: started ? ctx.papers.key(sittingId).toString('base64') : null,
    ackSeq: cs.ack_seq,
    answers: currentAnswers(ctx.db, ticketNo, sittingId),
    notices: unacknowledgedNotices(ctx, roomId, sittingId, ticketNo),
  };
}

/** A sitting imported before papers were signed has none: no machine would open its paper. */
function paperProofOf(ctx: SiteContext, sittingId: string): PaperProof {
  const proof = getPaperProof(ctx.db, sittingId);
  if (!proof) {
    throw new ProtocolError(
      ERROR_CODES.BAD_PACKAGE,
      `The paper of sitting ${sittingId} carries no centre signature; import the exam data again.`,
    );
  }
  return proof;
}
