import type { Db } from '../open.js';
import { stmt } from '../statements.js';

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
