import type { RoomSnapshot, TransferView } from '@exam/protocol';
import type { Db } from './openDb.js';
import { stmt } from './statements.js';

/** The room picture: the snapshot, and an overbooked site's transfers (issue 19) when known. */
type Picture = RoomSnapshot & { transfers?: TransferView[] };

export function saveSnapshot(db: Db, snapshot: Picture, at: number): void {
  stmt(
    db,
    `INSERT INTO room_snapshot (id, snapshot, saved_at) VALUES (1, ?, ?)
     ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot, saved_at = excluded.saved_at`,
  ).run(JSON.stringify(snapshot), at);
}

export function loadSnapshot(db: Db): Picture | null {
  const row = stmt(db, 'SELECT snapshot FROM room_snapshot WHERE id = 1').get() as
    | { snapshot: string }
    | undefined;
  // Written by this module from a RoomSnapshot; the file is this console's own.
  return row ? (JSON.parse(row.snapshot) as Picture) : null;
}
