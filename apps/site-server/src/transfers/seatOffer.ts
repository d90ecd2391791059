import { randomInt } from 'node:crypto';
import { drawSeat } from '@exam/domain';
import {
  type AssignSeatRequest,
  type DrawSeatRequest,
  type DrawSeatResult,
  ERROR_CODES,
  ProtocolError,
} from '@exam/protocol';
import type { Actor } from '../audit/actor.js';
import { appendAudit } from '../audit/auditLog.js';
import { writeTransaction } from '../db/transactions.js';
import type { SiteContext } from '../site/context.js';
import { approvedSeats, reserveSeat, seatsInUse } from './seatsTable.js';
import { candidateHere, refuseUnlessOverbooked } from './transfers.js';
import { openTransferOf } from './transfersTable.js';

/**
 * The random seat at entry (annex 4, issue 19): the console asks for one for an arriving
 * candidate (by ticket), the proctor confirms it or redraws; the confirmed seat is reserved,
 * never offered again, and the candidate must log in at that machine.
 */

function arriving(ctx: SiteContext, roomId: string, ticketNo: string) {
  refuseUnlessOverbooked(ctx.db);
  const { cs } = candidateHere(ctx, roomId, ticketNo);
  if (openTransferOf(ctx.db, cs.ticket_no, cs.sitting_id)) {
    throw new ProtocolError(
      ERROR_CODES.TRANSFERRED_OUT,
      `Candidate ${cs.ticket_no} was transferred out of this room; the room that takes them in seats them.`,
    );
  }
  if (cs.machine_id !== null) {
    throw new ProtocolError(
      ERROR_CODES.ALREADY_LOGGED_IN,
      `Candidate ${cs.ticket_no} is logged in at seat ${cs.seat_no}; a seat is drawn only for an arriving candidate.`,
    );
  }
  return cs;
}

/** Seats no one else holds: logged in there, or reserved for another arriving candidate. */
function othersSeats(ctx: SiteContext, roomId: string, sittingId: string, ticketNo: string): number[] {
  return seatsInUse(ctx.db, roomId, sittingId)
    .filter((s) => s.ticketNo !== ticketNo)
    .map((s) => s.seatNo);
}

export function drawSeatFor(ctx: SiteContext, roomId: string, req: DrawSeatRequest): DrawSeatResult {
  const cs = arriving(ctx, roomId, req.ticketNo);
  const seats = approvedSeats(ctx.db, roomId);
  const taken = new Set(othersSeats(ctx, roomId, cs.sitting_id, cs.ticket_no));
  const seatNo = drawSeat(seats, taken, req.exclude ?? [], randomInt);
  if (seatNo === null) {
    throw new ProtocolError(
      ERROR_CODES.NO_FREE_SEAT,
      `No free approved machine is left in this room (${seats.length} approved, all taken): ` +
        'transfer the candidate out.',
      { machines: seats.length },
    );
  }
  return {
    ticketNo: cs.ticket_no,
    sittingId: cs.sitting_id,
    seatNo,
    free: seats.filter((s) => !taken.has(s)).length,
  };
}

export function assignSeat(ctx: SiteContext, actor: Actor, roomId: string, req: AssignSeatRequest) {
  const cs = arriving(ctx, roomId, req.ticketNo);
  if (!approvedSeats(ctx.db, roomId).includes(req.seatNo)) {
    throw new ProtocolError(
      ERROR_CODES.UNKNOWN_SEAT,
      `Seat ${req.seatNo} has no approved machine in this room.`,
    );
  }
  if (othersSeats(ctx, roomId, cs.sitting_id, cs.ticket_no).includes(req.seatNo)) {
    throw new ProtocolError(
      ERROR_CODES.SEAT_TAKEN,
      `Seat ${req.seatNo} is taken or assigned to another candidate; draw again.`,
      { seatNo: req.seatNo },
    );
  }
  const now = ctx.clock.now();
  writeTransaction(ctx.db, () => {
    reserveSeat(ctx.db, cs.ticket_no, cs.sitting_id, req.seatNo);
    appendAudit(ctx.db, now, {
      actorRole: actor.role,
      actorId: actor.id,
      action: 'seat.assigned',
      subject: `${cs.ticket_no}/${cs.sitting_id}`,
      data: { roomId, seatNo: req.seatNo, previous: cs.reserved_seat },
    });
  });
  ctx.events.emit('candidate-changed', { roomId, ticketNo: cs.ticket_no, sittingId: cs.sitting_id });
  return { ticketNo: cs.ticket_no, sittingId: cs.sitting_id, seatNo: req.seatNo };
}
