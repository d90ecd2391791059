import type Database from 'better-sqlite3';

/**
 * The backups the site keeps track of (issue 18): the site database's after every sitting
 * (`kind 'site'`, with its sitting, or none when made on demand) and each room's console replica after the day's last
 * sitting (`kind 'console'`, with its room and site-local day), sealed for the province and
 * the centre. One row per backup file: `making → verified`, or `failed` with the last error
 * (a site backup is then made again; a console deposit is refused and not kept). `verified_at`
 * is when the written file was read back and its hash and signature checked.
 */
export function m0017Backups(db: Database.Database): void {
  db.exec(`
    CREATE TABLE backups (
      backup_id INTEGER PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('site', 'console')),
      sitting_id TEXT,
      room_id TEXT,
      day TEXT NOT NULL,
      path TEXT NOT NULL,
      sha256 TEXT,
      size INTEGER CHECK (size IS NULL OR size > 0),
      state TEXT NOT NULL CHECK (state IN ('making', 'verified', 'failed')),
      made_at INTEGER NOT NULL,
      verified_at INTEGER,
      last_error TEXT,
      deposited_by TEXT,
      CHECK (kind = 'site' OR room_id IS NOT NULL),
      CHECK (state <> 'verified' OR (sha256 IS NOT NULL AND size IS NOT NULL AND verified_at IS NOT NULL))
    ) STRICT;
    CREATE INDEX backups_by_sitting ON backups (kind, sitting_id);
    CREATE INDEX backups_by_room_day ON backups (kind, room_id, day);
  `);
}
