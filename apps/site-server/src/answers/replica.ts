import type { ReplicaChange } from '@exam/protocol';
import type { SiteContext } from '../site/context.js';
import { listRoomChangesSince } from './answersTable.js';

/** The room's answer changes a console's replica lacks, past the sequences it already has. */
export function replicaChangesSince(
  ctx: SiteContext,
  roomId: string,
  sittingId: string,
  have: Record<string, number>,
): ReplicaChange[] {
  return listRoomChangesSince(ctx.db, roomId, sittingId, have);
}
