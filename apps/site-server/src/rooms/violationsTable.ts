import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

/** `violations`: what a proctor recorded against a candidate. */
export interface ViolationRow {
  id: number;
  at: number;
  room_id: string;
  sitting_id: string;
  ticket_no: string;
  category: string;
  description: string;
  notified_at: number | null;
  candidate_statement: string | null;
  actor: string;
}

export function insertViolation(db: Db, r: Omit<ViolationRow, 'id'>): number {
  return Number(
    stmt(
      db,
      `INSERT INTO violations (at, room_id, sitting_id, ticket_no, category, description, notified_at,
         candidate_statement, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      r.at,
      r.room_id,
      r.sitting_id,
      r.ticket_no,
      r.category,
      r.description,
      r.notified_at,
      r.candidate_statement,
      r.actor,
    ).lastInsertRowid,
  );
}

/** The room's violations in one sitting, oldest first, for its report. */
export function listRoomViolations(db: Db, roomId: string, sittingId: string): ViolationRow[] {
  return stmt(db, 'SELECT * FROM violations WHERE room_id = ? AND sitting_id = ? ORDER BY id').all(
    roomId,
    sittingId,
  ) as ViolationRow[];
}
