import type { Db } from '../open.js';
import { stmt } from '../statements.js';

export interface RoomRow {
  room_id: string;
  name: string;
  seats: number;
  proctor_credential_hash: string;
}

export function insertRoom(db: Db, r: RoomRow): void {
  stmt(db, 'INSERT INTO rooms (room_id, name, seats, proctor_credential_hash) VALUES (?, ?, ?, ?)').run(
    r.room_id,
    r.name,
    r.seats,
    r.proctor_credential_hash,
  );
}

export function getRoom(db: Db, roomId: string): RoomRow | undefined {
  return stmt(db, 'SELECT * FROM rooms WHERE room_id = ?').get(roomId) as RoomRow | undefined;
}

export function listRooms(db: Db): RoomRow[] {
  return stmt(db, 'SELECT * FROM rooms ORDER BY room_id').all() as RoomRow[];
}

export function setProctorCredentialHash(db: Db, roomId: string, hash: string): void {
  stmt(db, 'UPDATE rooms SET proctor_credential_hash = ? WHERE room_id = ?').run(hash, roomId);
}
