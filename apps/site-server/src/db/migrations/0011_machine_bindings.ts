import type Database from 'better-sqlite3';

/**
 * Machines that prove who they are (issue 16). A test machine is known by its key's
 * fingerprint; a proctor binds it to one seat. `machine_bindings` keeps every approval (a
 * retired one stays, for the audit and the "returning machine" question); at most one
 * live binding per seat. `machine_join_requests` holds at most one waiting request per
 * machine, kept across a restart because approvals happen the day before.
 */
export function m0011MachineBindings(db: Database.Database): void {
  db.exec(`
    CREATE TABLE machine_bindings (
      fingerprint TEXT PRIMARY KEY,
      public_key TEXT NOT NULL,
      room_id TEXT NOT NULL,
      seat_no INTEGER NOT NULL,
      approved_at INTEGER NOT NULL,
      approved_by TEXT NOT NULL,
      last_address TEXT,
      retired_at INTEGER
    ) STRICT;
    CREATE UNIQUE INDEX machine_bindings_live_seat ON machine_bindings (room_id, seat_no)
      WHERE retired_at IS NULL;

    CREATE TABLE machine_join_requests (
      fingerprint TEXT PRIMARY KEY,
      public_key TEXT NOT NULL,
      room_id TEXT NOT NULL,
      seat_no INTEGER NOT NULL,
      remote_address TEXT NOT NULL,
      client_version TEXT NOT NULL,
      requested_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX machine_join_requests_room ON machine_join_requests (room_id, requested_at);
  `);
}
