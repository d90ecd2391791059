import { randomBytes } from 'node:crypto';
import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

/**
 * The salt of a candidate's ID check for a sitting (migration 0020): 16 random bytes, hex,
 * made the first time a console asks and fixed from then on, so the check a console holds
 * does not change with its reconnects. Call inside a write transaction.
 */
export function idCheckSaltOf(db: Db, ticketNo: string, sittingId: string): string {
  const held = stmt(db, 'SELECT salt FROM standalone_id_checks WHERE ticket_no = ? AND sitting_id = ?').get(
    ticketNo,
    sittingId,
  ) as { salt: string } | undefined;
  if (held) return held.salt;
  const salt = randomBytes(16).toString('hex');
  stmt(db, 'INSERT INTO standalone_id_checks (ticket_no, sitting_id, salt) VALUES (?, ?, ?)').run(
    ticketNo,
    sittingId,
    salt,
  );
  return salt;
}
