import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

/** `resets`: a candidate released from a broken machine (one row per reset). */
export interface ResetRow {
  id: number;
  at: number;
  room_id: string;
  sitting_id: string;
  ticket_no: string;
  old_machine_id: string | null;
  reason: string;
  actor: string;
  abandoned_seqs: string;
}

export function insertReset(db: Db, r: Omit<ResetRow, 'id'>): number {
  return Number(
    stmt(
      db,
      `INSERT INTO resets (at, room_id, sitting_id, ticket_no, old_machine_id, reason, actor, abandoned_seqs)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(r.at, r.room_id, r.sitting_id, r.ticket_no, r.old_machine_id, r.reason, r.actor, r.abandoned_seqs)
      .lastInsertRowid,
  );
}

/** Per machine of a room, the candidates a reset released from it, oldest first. */
export function listReleasedFromMachines(
  db: Db,
  roomId: string,
): Pick<ResetRow, 'old_machine_id' | 'sitting_id' | 'ticket_no'>[] {
  return stmt(
    db,
    `SELECT old_machine_id, sitting_id, ticket_no FROM resets
     WHERE room_id = ? AND old_machine_id IS NOT NULL ORDER BY id`,
  ).all(roomId) as Pick<ResetRow, 'old_machine_id' | 'sitting_id' | 'ticket_no'>[];
}

/** The room's resets in one sitting, oldest first, for its report. */
export function listRoomResets(db: Db, roomId: string, sittingId: string): ResetRow[] {
  return stmt(db, 'SELECT * FROM resets WHERE room_id = ? AND sitting_id = ? ORDER BY id').all(
    roomId,
    sittingId,
  ) as ResetRow[];
}
