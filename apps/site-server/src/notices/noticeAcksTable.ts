import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

/** `notice_acks`: which candidate acknowledged which notice, and when. */
export function insertNoticeAck(db: Db, noticeId: number, ticketNo: string, at: number): boolean {
  return (
    stmt(
      db,
      'INSERT OR IGNORE INTO notice_acks (notice_id, ticket_no, acknowledged_at) VALUES (?, ?, ?)',
    ).run(noticeId, ticketNo, at).changes > 0
  );
}
