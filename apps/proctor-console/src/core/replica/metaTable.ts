import type { Db } from './openDb.js';
import { stmt } from './statements.js';

export function replicaRoomId(db: Db): string | null {
  const row = stmt(db, 'SELECT room_id FROM replica_meta WHERE id = 1').get() as
    | { room_id: string }
    | undefined;
  return row?.room_id ?? null;
}

export function claimForRoom(db: Db, roomId: string, at: number): void {
  stmt(db, 'INSERT INTO replica_meta (id, room_id, created_at) VALUES (1, ?, ?)').run(roomId, at);
}
