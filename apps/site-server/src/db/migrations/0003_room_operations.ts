import type Database from 'better-sqlite3';

/** Proctor keys, resets, extensions, approval codes, violations and notices (issue 4). */
export function m0003RoomOperations(db: Database.Database): void {
  db.exec(`
    ALTER TABLE candidate_sittings ADD COLUMN reset_pending INTEGER NOT NULL DEFAULT 0;
    -- The last sync before a failure, until the candidate is back: measures downtime.
    ALTER TABLE candidate_sittings ADD COLUMN down_since INTEGER;
    ALTER TABLE candidate_sittings ADD COLUMN suggested_extension_ms INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE room_sittings ADD COLUMN start_code TEXT;
    -- Proctor consoles now sign in with registered keys (docs/decisions/0003).
    ALTER TABLE rooms DROP COLUMN proctor_credential_hash;

    CREATE TABLE registered_keys (
      fingerprint TEXT PRIMARY KEY,
      role TEXT NOT NULL,
      room_id TEXT,
      holder TEXT NOT NULL
    ) STRICT;

    CREATE TABLE used_approval_codes (
      code TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      room_id TEXT NOT NULL,
      sitting_id TEXT NOT NULL,
      used_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE resets (
      id INTEGER PRIMARY KEY,
      at INTEGER NOT NULL,
      room_id TEXT NOT NULL,
      sitting_id TEXT NOT NULL,
      ticket_no TEXT NOT NULL,
      old_machine_id TEXT,
      reason TEXT NOT NULL,
      actor TEXT NOT NULL,
      abandoned_seqs TEXT NOT NULL
    ) STRICT;

    CREATE TABLE extensions (
      id INTEGER PRIMARY KEY,
      at INTEGER NOT NULL,
      room_id TEXT NOT NULL,
      sitting_id TEXT NOT NULL,
      ticket_no TEXT NOT NULL,
      minutes INTEGER NOT NULL,
      cumulative_ms INTEGER NOT NULL,
      authority TEXT NOT NULL,
      code TEXT,
      reason TEXT NOT NULL,
      actor TEXT NOT NULL
    ) STRICT;

    CREATE TABLE violations (
      id INTEGER PRIMARY KEY,
      at INTEGER NOT NULL,
      room_id TEXT NOT NULL,
      sitting_id TEXT NOT NULL,
      ticket_no TEXT NOT NULL,
      category TEXT NOT NULL,
      description TEXT NOT NULL,
      notified_at INTEGER,
      candidate_statement TEXT,
      actor TEXT NOT NULL
    ) STRICT;

    CREATE TABLE notices (
      id INTEGER PRIMARY KEY,
      at INTEGER NOT NULL,
      room_id TEXT NOT NULL,
      sitting_id TEXT NOT NULL,
      ticket_no TEXT,
      text TEXT NOT NULL,
      actor TEXT NOT NULL
    ) STRICT;

    CREATE TABLE notice_acks (
      notice_id INTEGER NOT NULL REFERENCES notices(id),
      ticket_no TEXT NOT NULL,
      acknowledged_at INTEGER NOT NULL,
      PRIMARY KEY (notice_id, ticket_no)
    ) STRICT;
  `);
}
