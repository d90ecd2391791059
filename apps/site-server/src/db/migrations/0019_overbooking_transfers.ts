import type Database from 'better-sqlite3';

/**
 * Overbooked sites (annex 4, issue 19). `transfers`: a candidate who has not logged in is
 * transferred out of a full room (`out`), another room of the site takes them in (`in`, with
 * that room), or the sending room resolves a transfer no room took (`resolved`, with the
 * outcome and a note). At most one open (`out`) transfer per candidate and sitting.
 * `candidate_sittings.taken_in_room`: the room that took the candidate in for this sitting
 * (null: their arranged room); `reserved_seat`: the seat a proctor drew and confirmed for
 * them in that room, where they must then log in.
 */
export function m0019OverbookingTransfers(db: Database.Database): void {
  db.exec(`
    CREATE TABLE transfers (
      transfer_id INTEGER PRIMARY KEY,
      sitting_id TEXT NOT NULL,
      ticket_no TEXT NOT NULL,
      from_room_id TEXT NOT NULL,
      to_room_id TEXT,
      state TEXT NOT NULL CHECK (state IN ('out', 'in', 'resolved')),
      reason TEXT NOT NULL,
      out_at INTEGER NOT NULL,
      out_by_id TEXT NOT NULL,
      out_by_name TEXT NOT NULL,
      in_at INTEGER,
      in_by_id TEXT,
      in_by_name TEXT,
      resolved_at INTEGER,
      resolved_by_id TEXT,
      resolved_by_name TEXT,
      outcome TEXT CHECK (outcome IN ('transferred-in-after-all', 'absent', 'other')),
      note TEXT,
      CHECK ((state = 'in') = (to_room_id IS NOT NULL)),
      CHECK ((state = 'resolved') = (outcome IS NOT NULL))
    ) STRICT;
    CREATE UNIQUE INDEX transfers_one_open ON transfers (ticket_no, sitting_id) WHERE state = 'out';
    CREATE INDEX transfers_of_sitting ON transfers (sitting_id, from_room_id);
    ALTER TABLE candidate_sittings ADD COLUMN taken_in_room TEXT;
    ALTER TABLE candidate_sittings ADD COLUMN reserved_seat INTEGER;
    CREATE INDEX candidate_sittings_taken_in ON candidate_sittings (taken_in_room)
      WHERE taken_in_room IS NOT NULL;
    CREATE INDEX candidate_sittings_machine ON candidate_sittings (sitting_id, machine_id)
      WHERE machine_id IS NOT NULL;
  `);
}
