import type Database from 'better-sqlite3';

/**
 * What the console holds to build a standalone package from this replica while the site
 * server is down (decision 0017, amendment): the site's offline kit for the room (sealed
 * papers and their centre proofs, ID checks, approved machines, answer recipients) as the
 * protocol's JSON, shown to nothing and read only by the offline export. Never a sitting
 * key: those stay in the console's memory.
 */
export function m0003StandaloneKit(db: Database.Database): void {
  db.exec(`
    CREATE TABLE standalone_kit (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      kit TEXT NOT NULL,
      saved_at INTEGER NOT NULL
    ) STRICT;
  `);
}
