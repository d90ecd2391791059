import type Database from 'better-sqlite3';

/**
 * Proctor sign-in answers a fresh challenge (issue 16). Each challenge is kept with the
 * connection it was issued to and when; it is marked used, with the key that used it, in
 * the transaction that accepts the sign-in, so a restart forgets nothing: a statement
 * captured before it is still refused after it.
 */
export function m0012ProctorChallenges(db: Database.Database): void {
  db.exec(`
    CREATE TABLE proctor_challenges (
      challenge TEXT PRIMARY KEY,
      connection_id TEXT NOT NULL,
      issued_at INTEGER NOT NULL,
      used_at INTEGER,
      used_by TEXT
    ) STRICT;
    CREATE INDEX proctor_challenges_issued ON proctor_challenges (issued_at);
  `);
}
