import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

/** One transfer of a candidate between rooms of an overbooked site (issue 19), as stored. */
export interface TransferRow {
  transfer_id: number;
  sitting_id: string;
  ticket_no: string;
  from_room_id: string;
  to_room_id: string | null;
  state: 'out' | 'in' | 'resolved';
  reason: string;
  out_at: number;
  out_by_id: string;
  out_by_name: string;
  in_at: number | null;
  in_by_id: string | null;
  in_by_name: string | null;
  resolved_at: number | null;
  resolved_by_id: string | null;
  resolved_by_name: string | null;
  outcome: 'transferred-in-after-all' | 'absent' | 'other' | null;
  note: string | null;
}

export function insertTransferOut(
  db: Db,
  t: Pick<
    TransferRow,
    'sitting_id' | 'ticket_no' | 'from_room_id' | 'reason' | 'out_at' | 'out_by_id' | 'out_by_name'
  >,
): number {
  return Number(
    stmt(
      db,
      `INSERT INTO transfers (sitting_id, ticket_no, from_room_id, state, reason, out_at, out_by_id, out_by_name)
       VALUES (?, ?, ?, 'out', ?, ?, ?, ?)`,
    ).run(t.sitting_id, t.ticket_no, t.from_room_id, t.reason, t.out_at, t.out_by_id, t.out_by_name)
      .lastInsertRowid,
  );
}

export function getTransfer(db: Db, transferId: number): TransferRow | undefined {
  return stmt(db, 'SELECT * FROM transfers WHERE transfer_id = ?').get(transferId) as TransferRow | undefined;
}

/** The candidate's open transfer for a sitting: out of a room, taken in by none yet. */
export function openTransferOf(db: Db, ticketNo: string, sittingId: string): TransferRow | undefined {
  return stmt(db, "SELECT * FROM transfers WHERE ticket_no = ? AND sitting_id = ? AND state = 'out'").get(
    ticketNo,
    sittingId,
  ) as TransferRow | undefined;
}

export function markTakenIn(
  db: Db,
  transferId: number,
  toRoomId: string,
  at: number,
  byId: string,
  byName: string,
) {
  stmt(
    db,
    `UPDATE transfers SET state = 'in', to_room_id = ?, in_at = ?, in_by_id = ?, in_by_name = ?
     WHERE transfer_id = ? AND state = 'out'`,
  ).run(toRoomId, at, byId, byName, transferId);
}

export function markResolved(
  db: Db,
  transferId: number,
  r: Pick<TransferRow, 'resolved_at' | 'resolved_by_id' | 'resolved_by_name' | 'outcome' | 'note'>,
) {
  stmt(
    db,
    `UPDATE transfers SET state = 'resolved', resolved_at = ?, resolved_by_id = ?, resolved_by_name = ?,
       outcome = ?, note = ? WHERE transfer_id = ? AND state = 'out'`,
  ).run(r.resolved_at, r.resolved_by_id, r.resolved_by_name, r.outcome, r.note, transferId);
}

/** The site's open transfers, oldest first: any other room may take one in. */
export function listOpenTransfers(db: Db): TransferRow[] {
  return stmt(
    db,
    "SELECT * FROM transfers WHERE state = 'out' ORDER BY out_at, transfer_id",
  ).all() as TransferRow[];
}

/** Every transfer out of or into a room, and every open one of the site, oldest first. */
export function listRoomTransfers(db: Db, roomId: string): TransferRow[] {
  return stmt(
    db,
    `SELECT * FROM transfers WHERE state = 'out' OR from_room_id = ? OR to_room_id = ?
     ORDER BY out_at, transfer_id`,
  ).all(roomId, roomId) as TransferRow[];
}

/** A sitting's transfers, optionally only those out of or into one room, oldest first. */
export function listSittingTransfers(db: Db, sittingId: string, roomId?: string): TransferRow[] {
  return roomId
    ? (stmt(
        db,
        `SELECT * FROM transfers WHERE sitting_id = ? AND (from_room_id = ? OR to_room_id = ?)
         ORDER BY out_at, transfer_id`,
      ).all(sittingId, roomId, roomId) as TransferRow[])
    : (stmt(db, 'SELECT * FROM transfers WHERE sitting_id = ? ORDER BY out_at, transfer_id').all(
        sittingId,
      ) as TransferRow[]);
}

/** A candidate's transfers in a sitting, oldest first (the answer package carries them). */
export function listCandidateTransfers(db: Db, ticketNo: string, sittingId: string): TransferRow[] {
  return stmt(db, 'SELECT * FROM transfers WHERE ticket_no = ? AND sitting_id = ? ORDER BY transfer_id').all(
    ticketNo,
    sittingId,
  ) as TransferRow[];
}

/** Tickets transferred out of a room's sitting that no room took in and the room has not resolved. */
export function listOpenTransfersOutOf(db: Db, roomId: string, sittingId: string): string[] {
  return (
    stmt(
      db,
      "SELECT ticket_no FROM transfers WHERE from_room_id = ? AND sitting_id = ? AND state = 'out' ORDER BY ticket_no",
    ).all(roomId, sittingId) as { ticket_no: string }[]
  ).map((r) => r.ticket_no);
}
