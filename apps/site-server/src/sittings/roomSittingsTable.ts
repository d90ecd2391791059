import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

export interface RoomSittingRow {
  room_id: string;
  sitting_id: string;
  login_opened_at: number | null;
  started_at: number | null;
  start_authority: string | null;
  start_reason: string | null;
  start_code: string | null;
  ended_at: number | null;
}

export function ensureRoomSitting(db: Db, roomId: string, sittingId: string): void {
  stmt(db, 'INSERT OR IGNORE INTO room_sittings (room_id, sitting_id) VALUES (?, ?)').run(roomId, sittingId);
}

export function getRoomSitting(db: Db, roomId: string, sittingId: string): RoomSittingRow | undefined {
  return stmt(db, 'SELECT * FROM room_sittings WHERE room_id = ? AND sitting_id = ?').get(
    roomId,
    sittingId,
  ) as RoomSittingRow | undefined;
}

export function listRoomSittings(db: Db, roomId: string): RoomSittingRow[] {
  return stmt(
    db,
    `SELECT rs.* FROM room_sittings rs JOIN sittings s USING (sitting_id)
     WHERE rs.room_id = ? ORDER BY s.scheduled_start, rs.sitting_id`,
  ).all(roomId) as RoomSittingRow[];
}

export function listRunningRoomSittings(db: Db): RoomSittingRow[] {
  return stmt(
    db,
    'SELECT * FROM room_sittings WHERE started_at IS NOT NULL AND ended_at IS NULL',
  ).all() as RoomSittingRow[];
}

export function listRoomSittingsOf(db: Db, sittingId: string): RoomSittingRow[] {
  return stmt(db, 'SELECT * FROM room_sittings WHERE sitting_id = ?').all(sittingId) as RoomSittingRow[];
}

export function markLoginOpened(db: Db, roomId: string, sittingId: string, at: number): void {
  stmt(db, 'UPDATE room_sittings SET login_opened_at = ? WHERE room_id = ? AND sitting_id = ?').run(
    at,
    roomId,
    sittingId,
  );
}

export function markStarted(
  db: Db,
  roomId: string,
  sittingId: string,
  at: number,
  authority: string,
  reason: string | null,
  code: string | null,
): void {
  stmt(
    db,
    `UPDATE room_sittings SET started_at = ?, start_authority = ?, start_reason = ?, start_code = ?,
       login_opened_at = coalesce(login_opened_at, ?) WHERE room_id = ? AND sitting_id = ?`,
  ).run(at, authority, reason, code, at, roomId, sittingId);
}

export function markEnded(db: Db, roomId: string, sittingId: string, at: number): void {
  stmt(db, 'UPDATE room_sittings SET ended_at = ? WHERE room_id = ? AND sitting_id = ?').run(
    at,
    roomId,
    sittingId,
  );
}
