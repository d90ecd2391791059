import { IN_ROOM_SQL } from '../candidates/candidateSittingsTable.js';
import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

/**
 * Seats at an overbooked site (issue 19): which of a room's approved machines are taken in a
 * sitting, and the seat a proctor reserved for an arriving candidate.
 */

/** Seats of the room's live approved machines. */
export function approvedSeats(db: Db, roomId: string): number[] {
  return (
    stmt(
      db,
      'SELECT seat_no FROM machine_bindings WHERE room_id = ? AND retired_at IS NULL ORDER BY seat_no',
    ).all(roomId) as { seat_no: number }[]
  ).map((r) => r.seat_no);
}

/** Seats of the room held in this sitting: logged in there, or reserved for someone arriving. */
export function seatsInUse(
  db: Db,
  roomId: string,
  sittingId: string,
): { ticketNo: string; seatNo: number }[] {
  return (
    stmt(
      db,
      `SELECT cs.ticket_no, CASE WHEN cs.machine_id IS NOT NULL THEN cs.seat_no ELSE cs.reserved_seat END AS seat
       FROM candidate_sittings cs JOIN candidates c USING (ticket_no)
       WHERE ${IN_ROOM_SQL} AND cs.sitting_id = ?
         AND ((cs.machine_id IS NOT NULL AND cs.seat_no IS NOT NULL) OR cs.reserved_seat IS NOT NULL)`,
    ).all(roomId, roomId, roomId, sittingId) as { ticket_no: string; seat: number }[]
  ).map((r) => ({ ticketNo: r.ticket_no, seatNo: r.seat }));
}

/** Whoever else holds this machine in the sitting and has not handed in. */
export function otherHolderOfMachine(
  db: Db,
  sittingId: string,
  machineId: string,
  ticketNo: string,
): string | undefined {
  return (
    stmt(
      db,
      `SELECT ticket_no FROM candidate_sittings
       WHERE sitting_id = ? AND machine_id = ? AND ticket_no != ? AND status != 'handed-in' LIMIT 1`,
    ).get(sittingId, machineId, ticketNo) as { ticket_no: string } | undefined
  )?.ticket_no;
}

export function reserveSeat(db: Db, ticketNo: string, sittingId: string, seatNo: number | null): void {
  stmt(db, 'UPDATE candidate_sittings SET reserved_seat = ? WHERE ticket_no = ? AND sitting_id = ?').run(
    seatNo,
    ticketNo,
    sittingId,
  );
}

/** The candidate sits this sitting in the room that took them in; any reserved seat lapses. */
export function setTakenInRoom(db: Db, ticketNo: string, sittingId: string, roomId: string): void {
  stmt(
    db,
    'UPDATE candidate_sittings SET taken_in_room = ?, reserved_seat = NULL WHERE ticket_no = ? AND sitting_id = ?',
  ).run(roomId, ticketNo, sittingId);
}

/** Logged in for the sitting in the room (present), for the receiving room's capacity. */
export function countPresent(db: Db, roomId: string, sittingId: string): number {
  return (
    stmt(
      db,
      `SELECT count(*) AS n FROM candidate_sittings cs JOIN candidates c USING (ticket_no)
       WHERE ${IN_ROOM_SQL} AND cs.sitting_id = ? AND cs.logged_in_at IS NOT NULL`,
    ).get(roomId, roomId, roomId, sittingId) as { n: number }
  ).n;
}

/** Taken in by the room for the sitting and not logged in yet: each still needs a machine. */
export function countTakenInWaiting(db: Db, roomId: string, sittingId: string): number {
  return (
    stmt(
      db,
      `SELECT count(*) AS n FROM candidate_sittings
       WHERE taken_in_room = ? AND sitting_id = ? AND logged_in_at IS NULL`,
    ).get(roomId, sittingId) as { n: number }
  ).n;
}
