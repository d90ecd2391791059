import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

export interface ClientAlertRow {
  id: number;
  at: number;
  room_id: string;
  machine_id: string;
  seat_no: number;
  ticket_no: string | null;
  kind: string;
  detail: string | null;
}

export function insertClientAlert(db: Db, a: Omit<ClientAlertRow, 'id'>): number {
  return Number(
    stmt(
      db,
      `INSERT INTO client_alerts (at, room_id, machine_id, seat_no, ticket_no, kind, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(a.at, a.room_id, a.machine_id, a.seat_no, a.ticket_no, a.kind, a.detail).lastInsertRowid,
  );
}

export function recentRoomAlerts(db: Db, roomId: string, limit = 100): ClientAlertRow[] {
  return (
    stmt(db, 'SELECT * FROM client_alerts WHERE room_id = ? ORDER BY id DESC LIMIT ?').all(
      roomId,
      limit,
    ) as ClientAlertRow[]
  ).reverse();
}
