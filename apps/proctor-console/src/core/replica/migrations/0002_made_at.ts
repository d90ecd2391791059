import type Database from 'better-sqlite3';

/**
 * The server's committed changes now say when the candidate made each one (issue 15), and a
 * backup must carry it as the answer package does. A change held from before has no such
 * time: like the site's own migration, it gets the time the server received it.
 */
export function m0002MadeAt(db: Database.Database): void {
  db.exec(`
    ALTER TABLE answer_changes ADD COLUMN made_at INTEGER NOT NULL DEFAULT 0;
    UPDATE answer_changes SET made_at = received_at;
  `);
}
