import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

/** `notices`: what a proctor sent to a room or one candidate. */
export interface NoticeRow {
  id: number;
  at: number;
  room_id: string;
  sitting_id: string;
  ticket_no: string | null;
  text: string;
  actor: string;
}

export function insertNotice(db: Db, r: Omit<NoticeRow, 'id'>): number {
  return Number(
    stmt(
      db,
      'INSERT INTO notices (at, room_id, sitting_id, ticket_no, text, actor) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(r.at, r.room_id, r.sitting_id, r.ticket_no, r.text, r.actor).lastInsertRowid,
  );
}

export function getNotice(db: Db, id: number): NoticeRow | undefined {
  return stmt(db, 'SELECT * FROM notices WHERE id = ?').get(id) as NoticeRow | undefined;
}

/** Notices to this candidate or their whole room that they have not acknowledged yet. */
export function listUnacknowledgedNotices(
  db: Db,
  roomId: string,
  sittingId: string,
  ticketNo: string,
): NoticeRow[] {
  return stmt(
    db,
    `SELECT n.* FROM notices n
     WHERE n.room_id = ? AND n.sitting_id = ? AND (n.ticket_no IS NULL OR n.ticket_no = ?)
       AND NOT EXISTS (SELECT 1 FROM notice_acks a WHERE a.notice_id = n.id AND a.ticket_no = ?)
     ORDER BY n.id`,
  ).all(roomId, sittingId, ticketNo, ticketNo) as NoticeRow[];
}
