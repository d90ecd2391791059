import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

/** A machine asking a room's proctor to approve it for a seat; one per machine. */
export interface JoinRequestRow {
  fingerprint: string;
  public_key: string;
  room_id: string;
  seat_no: number;
  remote_address: string;
  client_version: string;
  requested_at: number;
}

/** A new request replaces the machine's older one, wherever that was. */
export function upsertJoinRequest(db: Db, r: JoinRequestRow): void {
  stmt(
    db,
    `INSERT INTO machine_join_requests
       (fingerprint, public_key, room_id, seat_no, remote_address, client_version, requested_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (fingerprint) DO UPDATE SET public_key = excluded.public_key, room_id = excluded.room_id,
       seat_no = excluded.seat_no, remote_address = excluded.remote_address,
       client_version = excluded.client_version, requested_at = excluded.requested_at`,
  ).run(
    r.fingerprint,
    r.public_key,
    r.room_id,
    r.seat_no,
    r.remote_address,
    r.client_version,
    r.requested_at,
  );
}

export function getJoinRequest(db: Db, fingerprint: string): JoinRequestRow | undefined {
  return stmt(db, 'SELECT * FROM machine_join_requests WHERE fingerprint = ?').get(fingerprint) as
    | JoinRequestRow
    | undefined;
}

export function listRoomJoinRequests(db: Db, roomId: string): JoinRequestRow[] {
  return stmt(
    db,
    'SELECT * FROM machine_join_requests WHERE room_id = ? ORDER BY requested_at, fingerprint',
  ).all(roomId) as JoinRequestRow[];
}

export function deleteJoinRequest(db: Db, fingerprint: string): void {
  stmt(db, 'DELETE FROM machine_join_requests WHERE fingerprint = ?').run(fingerprint);
}
