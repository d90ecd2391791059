import type { ExtensionAuthority } from '@exam/domain';
import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

/** `extensions`: time granted to a candidate, with its authority and code. */
export interface ExtensionRow {
  id: number;
  at: number;
  room_id: string;
  sitting_id: string;
  ticket_no: string;
  minutes: number;
  cumulative_ms: number;
  authority: ExtensionAuthority;
  code: string | null;
  reason: string;
  actor: string;
}

export function insertExtension(db: Db, r: Omit<ExtensionRow, 'id'>): void {
  stmt(
    db,
    `INSERT INTO extensions (at, room_id, sitting_id, ticket_no, minutes, cumulative_ms, authority, code, reason, actor)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    r.at,
    r.room_id,
    r.sitting_id,
    r.ticket_no,
    r.minutes,
    r.cumulative_ms,
    r.authority,
    r.code,
    r.reason,
    r.actor,
  );
}

/** The room's extensions in one sitting, oldest first, for its report. */
export function listRoomExtensions(db: Db, roomId: string, sittingId: string): ExtensionRow[] {
  return stmt(db, 'SELECT * FROM extensions WHERE room_id = ? AND sitting_id = ? ORDER BY id').all(
    roomId,
    sittingId,
  ) as ExtensionRow[];
}
