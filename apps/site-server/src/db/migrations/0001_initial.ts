import type Database from 'better-sqlite3';

export function m0001Initial(db: Database.Database): void {
  db.exec(`
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

    CREATE TABLE rooms (
      room_id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      seats INTEGER NOT NULL,
      proctor_credential_hash TEXT NOT NULL
    ) STRICT;

    CREATE TABLE sittings (
      sitting_id TEXT PRIMARY KEY,
      batch_id TEXT NOT NULL,
      subject_code TEXT NOT NULL,
      subject_name TEXT NOT NULL,
      level TEXT NOT NULL,
      scheduled_start INTEGER NOT NULL,
      late_entry_cutoff_ms INTEGER NOT NULL,
      paper_id TEXT NOT NULL,
      sealed_paper TEXT NOT NULL
    ) STRICT;

    -- Sitting keys rest wrapped with the site key; unwrapped in memory at the start.
    CREATE TABLE sitting_keys (
      sitting_id TEXT PRIMARY KEY REFERENCES sittings(sitting_id),
      wrapped_key BLOB NOT NULL
    ) STRICT;

    CREATE TABLE candidates (
      ticket_no TEXT PRIMARY KEY,
      id_number TEXT NOT NULL,
      name TEXT NOT NULL,
      gender TEXT NOT NULL,
      level TEXT NOT NULL,
      specialty TEXT NOT NULL,
      photo_png TEXT NOT NULL,
      room_id TEXT NOT NULL REFERENCES rooms(room_id),
      seat_no INTEGER
    ) STRICT;

    CREATE TABLE room_sittings (
      room_id TEXT NOT NULL REFERENCES rooms(room_id),
      sitting_id TEXT NOT NULL REFERENCES sittings(sitting_id),
      login_opened_at INTEGER,
      started_at INTEGER,
      start_authority TEXT,
      start_reason TEXT,
      ended_at INTEGER,
      PRIMARY KEY (room_id, sitting_id)
    ) STRICT;

    CREATE TABLE candidate_sittings (
      ticket_no TEXT NOT NULL REFERENCES candidates(ticket_no),
      sitting_id TEXT NOT NULL REFERENCES sittings(sitting_id),
      status TEXT NOT NULL DEFAULT 'not-started',
      machine_id TEXT,
      seat_no INTEGER,
      session_token_hash TEXT UNIQUE,
      logged_in_at INTEGER,
      extension_ms INTEGER NOT NULL DEFAULT 0,
      ack_seq INTEGER NOT NULL DEFAULT 0,
      max_seq INTEGER NOT NULL DEFAULT 0,
      last_sync_at INTEGER,
      handed_in_at INTEGER,
      hand_in_kind TEXT,
      PRIMARY KEY (ticket_no, sitting_id)
    ) STRICT;

    -- Every change a candidate made, keyed by its sequence: applying one twice is a no-op.
    CREATE TABLE answer_changes (
      ticket_no TEXT NOT NULL,
      sitting_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      item_id TEXT NOT NULL,
      value TEXT NOT NULL,
      flagged INTEGER NOT NULL,
      received_at INTEGER NOT NULL,
      after_hand_in INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (ticket_no, sitting_id, seq)
    ) STRICT, WITHOUT ROWID;

    -- The latest change per item, kept in step with answer_changes for fast reads.
    CREATE TABLE answers_current (
      ticket_no TEXT NOT NULL,
      sitting_id TEXT NOT NULL,
      item_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      value TEXT NOT NULL,
      flagged INTEGER NOT NULL,
      answered INTEGER NOT NULL,
      PRIMARY KEY (ticket_no, sitting_id, item_id)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE machines (
      machine_id TEXT PRIMARY KEY,
      room_id TEXT NOT NULL,
      seat_no INTEGER NOT NULL,
      client_version TEXT NOT NULL,
      registered_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE audit_events (
      seq INTEGER PRIMARY KEY,
      at INTEGER NOT NULL,
      actor_role TEXT NOT NULL,
      actor_id TEXT NOT NULL,
      action TEXT NOT NULL,
      subject TEXT NOT NULL,
      data TEXT NOT NULL,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL
    ) STRICT;

    CREATE TABLE exports (
      sitting_id TEXT PRIMARY KEY,
      path TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      exported_at INTEGER NOT NULL
    ) STRICT;
  `);
}
