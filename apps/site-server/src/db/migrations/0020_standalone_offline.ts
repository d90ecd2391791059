import type Database from 'better-sqlite3';

/**
 * Standalone packages built at a console from its replica while the site server is down
 * (decision 0017, amendment). `standalone_id_checks`: the salt of each candidate's ID check
 * for a sitting, 16 random bytes fixed the first time a console asks, so the check a console
 * holds stays the same across its reconnects. `standalone_packages.built_by`: 'console' for a
 * package the site learnt of by its registration, signed by the chief examiner.
 */
export function m0020StandaloneOffline(db: Database.Database): void {
  db.exec(`
    CREATE TABLE standalone_id_checks (
      ticket_no TEXT NOT NULL,
      sitting_id TEXT NOT NULL,
      salt TEXT NOT NULL,
      PRIMARY KEY (ticket_no, sitting_id)
    ) STRICT;
    ALTER TABLE standalone_packages ADD COLUMN built_by TEXT NOT NULL DEFAULT 'site'
      CHECK (built_by IN ('site', 'console'));
  `);
}
