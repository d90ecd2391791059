import type Database from 'better-sqlite3';

/** Per-room lookups (auto hand-in, tiles) scanned every candidate row without it (issue 5 profile). */
export function m0004CandidatesRoomIndex(db: Database.Database): void {
  db.exec('CREATE INDEX candidates_room ON candidates (room_id)');
}
