import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

export interface AdminPasswordRow {
  scrypt: string;
  initial: 0 | 1;
  set_at: number;
}

export function getAdminPassword(db: Db): AdminPasswordRow | null {
  const row = stmt(db, 'SELECT scrypt, initial, set_at FROM admin_password WHERE id = 1').get() as
    | AdminPasswordRow
    | undefined;
  return row ?? null;
}

export function setAdminPassword(db: Db, row: AdminPasswordRow): void {
  stmt(
    db,
    `INSERT INTO admin_password (id, scrypt, initial, set_at) VALUES (1, @scrypt, @initial, @set_at)
     ON CONFLICT (id) DO UPDATE SET scrypt = excluded.scrypt, initial = excluded.initial, set_at = excluded.set_at`,
  ).run(row);
}
