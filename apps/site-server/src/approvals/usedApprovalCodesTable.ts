import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

/** `used_approval_codes`: every approval code is usable once. */
export function markCodeUsed(
  db: Db,
  code: string,
  kind: string,
  roomId: string,
  sittingId: string,
  at: number,
): boolean {
  return (
    stmt(
      db,
      'INSERT OR IGNORE INTO used_approval_codes (code, kind, room_id, sitting_id, used_at) VALUES (?, ?, ?, ?, ?)',
    ).run(code, kind, roomId, sittingId, at).changes > 0
  );
}
