import type { Db } from '../db/open.js';
import { getRoomSitting } from '../sittings/roomSittingsTable.js';

/**
 * Whether a room's sitting has started, for the save path. A start is never undone, so a
 * "yes" is remembered and every later save skips the query; a "no" is always asked again.
 */
export class StartedSittings {
  private readonly started = new Set<string>();

  constructor(private readonly db: Db) {}

  has(roomId: string, sittingId: string): boolean {
    const key = `${roomId}\u0000${sittingId}`;
    if (this.started.has(key)) return true;
    if (getRoomSitting(this.db, roomId, sittingId)?.started_at == null) return false;
    this.started.add(key);
    return true;
  }
}
