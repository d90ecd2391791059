import type Database from 'better-sqlite3';

/**
 * Standalone mode (issue 17). `standalone_packages`: every package this machine opened, with
 * its opened content (the sitting key included), so a restart resumes the standalone session
 * without the authorization code, the count-down from its last checkpoint (`elapsed_ms`, at
 * most a second behind), and the answer files' sequence (`file_seq`: raised before a file is
 * written, never reused). At most one is `active`. `standalone_lock`: wrong authorization
 * codes on this machine and the lock they caused (RULES.standaloneCodeFailures,
 * standaloneCodeLockMinutes); kept here so a restart does not reset the count.
 */
export function m0005Standalone(db: Database.Database): void {
  db.exec(`
    CREATE TABLE standalone_packages (
      package_id TEXT PRIMARY KEY,
      ticket_no TEXT NOT NULL,
      sitting_id TEXT NOT NULL,
      content TEXT NOT NULL,
      source_dir TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('active', 'finished')),
      opened_at INTEGER NOT NULL,
      started INTEGER NOT NULL DEFAULT 0 CHECK (started IN (0, 1)),
      elapsed_ms INTEGER NOT NULL DEFAULT 0,
      hand_in TEXT,
      file_seq INTEGER NOT NULL DEFAULT 0,
      last_file TEXT
    ) STRICT;
    CREATE UNIQUE INDEX standalone_one_active ON standalone_packages (state) WHERE state = 'active';
    CREATE TABLE standalone_lock (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      failures INTEGER NOT NULL,
      locked_until INTEGER
    ) STRICT;
  `);
}
