import type Database from 'better-sqlite3';

export function m0002MachineChecksAndAlerts(db: Database.Database): void {
  db.exec(`
    ALTER TABLE machines ADD COLUMN check_json TEXT;
    ALTER TABLE machines ADD COLUMN shortfalls TEXT NOT NULL DEFAULT '[]';

    CREATE TABLE client_alerts (
      id INTEGER PRIMARY KEY,
      at INTEGER NOT NULL,
      room_id TEXT NOT NULL,
      machine_id TEXT NOT NULL,
      seat_no INTEGER NOT NULL,
      ticket_no TEXT,
      kind TEXT NOT NULL,
      detail TEXT
    ) STRICT;
    CREATE INDEX client_alerts_room ON client_alerts (room_id, id);
  `);
}
