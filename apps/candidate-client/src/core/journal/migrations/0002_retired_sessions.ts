import type Database from 'better-sqlite3';

/**
 * Machines serve the whole day (issue 14). After a hand-in or the sitting's end the machine
 * returns to its login screen for the next candidate, but changes the server has not
 * acknowledged must still reach it: the session moves here with what delivering them needs
 * (answer:deliver), and leaves once every one of its changes is acknowledged. The paper and
 * the profile are not kept: nobody answers in a retired session.
 */
export function m0002RetiredSessions(db: Database.Database): void {
  db.exec(`
    CREATE TABLE retired_sessions (
      ticket_no TEXT NOT NULL,
      sitting_id TEXT NOT NULL,
      session_token TEXT NOT NULL,
      server_url TEXT NOT NULL,
      retired_at INTEGER NOT NULL,
      PRIMARY KEY (ticket_no, sitting_id)
    ) STRICT;
  `);
}
