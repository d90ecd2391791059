import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

export interface RoomRow {
  room_id: string;
  name: string;
  seats: number;
}

export function insertRoom(db: Db, r: RoomRow): void {
  stmt(db, 'INSERT INTO rooms (room_id, name, seats) VALUES (?, ?, ?)').run(r.room_id, r.name, r.seats);
}

export function getRoom(db: Db, roomId: string): RoomRow | undefined {
  return stmt(db, 'SELECT * FROM rooms WHERE room_id = ?').get(roomId) as RoomRow | undefined;
}

export function listRooms(db: Db): RoomRow[] {
  return stmt(db, 'SELECT * FROM rooms ORDER BY room_id').all() as RoomRow[];
}
