import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

/** A proctor's approval of one machine (by key fingerprint) for one seat. */
export interface MachineBindingRow {
  fingerprint: string;
  public_key: string;
  room_id: string;
  seat_no: number;
  approved_at: number;
  approved_by: string;
  last_address: string | null;
  retired_at: number | null;
}

/** The machine's live binding, if a proctor approved it and no later approval retired it. */
export function liveBinding(db: Db, fingerprint: string): MachineBindingRow | undefined {
  return stmt(db, 'SELECT * FROM machine_bindings WHERE fingerprint = ? AND retired_at IS NULL').get(
    fingerprint,
  ) as MachineBindingRow | undefined;
}

export function liveBindingOfSeat(db: Db, roomId: string, seatNo: number): MachineBindingRow | undefined {
  return stmt(
    db,
    'SELECT * FROM machine_bindings WHERE room_id = ? AND seat_no = ? AND retired_at IS NULL',
  ).get(roomId, seatNo) as MachineBindingRow | undefined;
}

/** Binds (or re-binds) a machine: a retired machine approved again starts afresh. */
export function upsertBinding(
  db: Db,
  b: Omit<MachineBindingRow, 'last_address' | 'retired_at'> & { last_address: string | null },
): void {
  stmt(
    db,
    `INSERT INTO machine_bindings (fingerprint, public_key, room_id, seat_no, approved_at, approved_by, last_address)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (fingerprint) DO UPDATE SET public_key = excluded.public_key, room_id = excluded.room_id,
       seat_no = excluded.seat_no, approved_at = excluded.approved_at, approved_by = excluded.approved_by,
       last_address = excluded.last_address, retired_at = NULL`,
  ).run(b.fingerprint, b.public_key, b.room_id, b.seat_no, b.approved_at, b.approved_by, b.last_address);
}

export function retireBinding(db: Db, fingerprint: string, at: number): void {
  stmt(db, 'UPDATE machine_bindings SET retired_at = ? WHERE fingerprint = ? AND retired_at IS NULL').run(
    at,
    fingerprint,
  );
}

export function setBindingAddress(db: Db, fingerprint: string, address: string): void {
  stmt(db, 'UPDATE machine_bindings SET last_address = ? WHERE fingerprint = ?').run(address, fingerprint);
}

/** How many machines a proctor approved for this room's seats and no later approval retired. */
export function countLiveBindingsOfRoom(db: Db, roomId: string): number {
  return (
    stmt(db, 'SELECT count(*) AS n FROM machine_bindings WHERE room_id = ? AND retired_at IS NULL').get(
      roomId,
    ) as { n: number }
  ).n;
}
