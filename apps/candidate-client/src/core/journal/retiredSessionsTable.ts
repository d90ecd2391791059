import type { Db } from './openDb.js';
import { stmt } from './statements.js';
import type { RetiredSession, SittingRef } from './types.js';

/** Mirrors the `retired_sessions` table. */
interface RetiredSessionRow {
  ticket_no: string;
  sitting_id: string;
  session_token: string;
  server_url: string;
  retired_at: number;
}

const toRetired = (r: RetiredSessionRow): RetiredSession => ({
  ticketNo: r.ticket_no,
  sittingId: r.sitting_id,
  sessionToken: r.session_token,
  serverUrl: r.server_url,
  retiredAt: r.retired_at,
});

export function insertRetired(db: Db, s: RetiredSession): void {
  stmt(
    db,
    `INSERT INTO retired_sessions (ticket_no, sitting_id, session_token, server_url, retired_at)
     VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (ticket_no, sitting_id) DO UPDATE SET
       session_token = excluded.session_token, server_url = excluded.server_url,
       retired_at = excluded.retired_at`,
  ).run(s.ticketNo, s.sittingId, s.sessionToken, s.serverUrl, s.retiredAt);
}

/** Oldest first: the earlier sitting's leftovers go first. */
export function listRetired(db: Db): RetiredSession[] {
  return (
    stmt(
      db,
      'SELECT * FROM retired_sessions ORDER BY retired_at, ticket_no, sitting_id',
    ).all() as RetiredSessionRow[]
  ).map(toRetired);
}

export function deleteRetired(db: Db, ref: SittingRef): void {
  stmt(db, 'DELETE FROM retired_sessions WHERE ticket_no = ? AND sitting_id = ?').run(
    ref.ticketNo,
    ref.sittingId,
  );
}

/** Changes of retired sessions still waiting for the server's acknowledgement. */
export function countRetiredUnacked(db: Db): number {
  return (
    stmt(
      db,
      `SELECT count(*) AS n FROM answer_changes c JOIN retired_sessions r USING (ticket_no, sitting_id)
       WHERE c.acked = 0`,
    ).get() as { n: number }
  ).n;
}
