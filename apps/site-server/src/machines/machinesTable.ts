import type { MachineCheck } from '@exam/protocol';
import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

export interface MachineRow {
  machine_id: string;
  room_id: string;
  seat_no: number;
  client_version: string;
  registered_at: number;
  check_json: string | null;
  shortfalls: string;
}

export function upsertMachine(
  db: Db,
  m: { machineId: string; roomId: string; seatNo: number; clientVersion: string; at: number },
): void {
  stmt(
    db,
    `INSERT INTO machines (machine_id, room_id, seat_no, client_version, registered_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (machine_id) DO UPDATE SET room_id = excluded.room_id, seat_no = excluded.seat_no,
       client_version = excluded.client_version, registered_at = excluded.registered_at`,
  ).run(m.machineId, m.roomId, m.seatNo, m.clientVersion, m.at);
}

export function recordMachineCheck(
  db: Db,
  machineId: string,
  check: MachineCheck,
  shortfalls: string[],
): void {
  stmt(db, 'UPDATE machines SET check_json = ?, shortfalls = ? WHERE machine_id = ?').run(
    JSON.stringify(check),
    JSON.stringify(shortfalls),
    machineId,
  );
}

export function listRoomMachines(db: Db, roomId: string): MachineRow[] {
  return stmt(db, 'SELECT * FROM machines WHERE room_id = ? ORDER BY seat_no, machine_id').all(
    roomId,
  ) as MachineRow[];
}

/** A retired machine is no longer one of the room's machines (its seat has another). */
export function deleteMachine(db: Db, machineId: string): void {
  stmt(db, 'DELETE FROM machines WHERE machine_id = ?').run(machineId);
}
