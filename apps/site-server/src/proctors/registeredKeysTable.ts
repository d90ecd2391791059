import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

/** `registered_keys`: the proctor and chief keys the exam data registers. */
export interface RegisteredKeyRow {
  fingerprint: string;
  role: 'proctor' | 'chief';
  room_id: string | null;
  holder: string;
}

export function registerKey(db: Db, k: RegisteredKeyRow): void {
  stmt(
    db,
    `INSERT INTO registered_keys (fingerprint, role, room_id, holder) VALUES (?, ?, ?, ?)
     ON CONFLICT (fingerprint) DO UPDATE SET role = excluded.role, room_id = excluded.room_id, holder = excluded.holder`,
  ).run(k.fingerprint, k.role, k.room_id, k.holder);
}

export function getRegisteredKey(db: Db, fingerprint: string): RegisteredKeyRow | undefined {
  return stmt(db, 'SELECT * FROM registered_keys WHERE fingerprint = ?').get(fingerprint) as
    | RegisteredKeyRow
    | undefined;
}

/** Every registered key, chief examiners first, then by room (the admin's list). */
export function listRegisteredKeys(db: Db): RegisteredKeyRow[] {
  return stmt(
    db,
    "SELECT * FROM registered_keys ORDER BY role = 'proctor', coalesce(room_id, ''), holder, fingerprint",
  ).all() as RegisteredKeyRow[];
}
