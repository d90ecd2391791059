import type Database from 'better-sqlite3';

export function m0001Initial(db: Database.Database): void {
  db.exec(`
    -- The one session this machine holds: enough to resume after a restart. The sitting
    -- key is deliberately absent (ARCHITECTURE §3): it lives in memory only.
    CREATE TABLE session (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      server_url TEXT NOT NULL,
      session_token TEXT NOT NULL,
      ticket_no TEXT NOT NULL,
      sitting_id TEXT NOT NULL,
      profile TEXT NOT NULL,
      sitting TEXT NOT NULL,
      sealed_paper TEXT NOT NULL
    ) STRICT;

    -- Every answer change, keyed by candidate as well as sitting: after a reset two
    -- candidates may have used this machine for the same sitting, and one's backlog must
    -- never be sent as the other's.
    CREATE TABLE answer_changes (
      ticket_no TEXT NOT NULL,
      sitting_id TEXT NOT NULL,
      seq INTEGER NOT NULL CHECK (seq > 0),
      item_id TEXT NOT NULL,
      value TEXT NOT NULL,
      flagged INTEGER NOT NULL CHECK (flagged IN (0, 1)),
      created_at INTEGER NOT NULL,
      acked INTEGER NOT NULL DEFAULT 0 CHECK (acked IN (0, 1)),
      PRIMARY KEY (ticket_no, sitting_id, seq)
    ) STRICT;

    CREATE INDEX answer_changes_unacked ON answer_changes (ticket_no, sitting_id, seq) WHERE acked = 0;
    CREATE INDEX answer_changes_by_item ON answer_changes (ticket_no, sitting_id, item_id, seq);

    -- The server's acknowledgement pointer, and the floor below which a sequence may never
    -- be reused because the server already holds it.
    CREATE TABLE sync_state (
      ticket_no TEXT NOT NULL,
      sitting_id TEXT NOT NULL,
      ack_seq INTEGER NOT NULL DEFAULT 0,
      seq_floor INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (ticket_no, sitting_id)
    ) STRICT;
  `);
}
