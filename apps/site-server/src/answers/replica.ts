import type { ReplicaChange } from '@exam/protocol';
import type { SiteContext } from '../site/context.js';
import { type AnswerChangeRow, listRoomChangesSince } from './answersTable.js';

export function toReplicaChange(r: AnswerChangeRow): ReplicaChange {
  return {
    ticketNo: r.ticket_no,
    sittingId: r.sitting_id,
    seq: r.seq,
    itemId: r.item_id,
    value: JSON.parse(r.value),
    flagged: r.flagged === 1,
    receivedAt: r.received_at,
  };
}

/** The room's answer changes a console's replica lacks, past the sequences it already has. */
export function replicaChangesSince(
  ctx: SiteContext,
  roomId: string,
  sittingId: string,
  have: Record<string, number>,
): ReplicaChange[] {
  return listRoomChangesSince(ctx.db, roomId, sittingId, have).map(toReplicaChange);
}
