import type Database from 'better-sqlite3';

export function m0001Initial(db: Database.Database): void {
  db.exec(`
    -- The room this file belongs to: a replica is never reused for another room, so two
    -- rooms' answers can never be mixed in one backup.
    CREATE TABLE replica_meta (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      room_id TEXT NOT NULL,
      created_at INTEGER NOT NULL
    ) STRICT;

    -- The latest picture of the room (sittings, tiles, machines, alerts) as the protocol's
    -- RoomSnapshot JSON: it is shown, not queried, so one row is enough.
    CREATE TABLE room_snapshot (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      snapshot TEXT NOT NULL,
      saved_at INTEGER NOT NULL
    ) STRICT;

    -- Every answer change the site server committed for this room, as it committed it.
    -- The key is the server's own (candidate, sitting, sequence), so a push and a pull of
    -- the same change store it once.
    CREATE TABLE answer_changes (
      ticket_no TEXT NOT NULL,
      sitting_id TEXT NOT NULL,
      seq INTEGER NOT NULL CHECK (seq > 0),
      item_id TEXT NOT NULL,
      value TEXT NOT NULL,
      flagged INTEGER NOT NULL CHECK (flagged IN (0, 1)),
      received_at INTEGER NOT NULL,
      PRIMARY KEY (ticket_no, sitting_id, seq)
    ) STRICT;

    CREATE INDEX answer_changes_by_sitting ON answer_changes (sitting_id, ticket_no, seq);
    CREATE INDEX answer_changes_by_item ON answer_changes (ticket_no, sitting_id, item_id, seq);
  `);
}
