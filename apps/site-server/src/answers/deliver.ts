import { type AnswerValue, answerFitsItem, ERROR_CODES, type Item, ProtocolError } from '@exam/protocol';
import { getCandidate } from '../candidates/candidatesTable.js';
import { type MachineInfo, sessionOnMachine } from '../candidates/login.js';
import type { SiteContext } from '../site/context.js';

/** Whose answers a batch of changes is, as the group committer takes it. */
export interface SaveTarget {
  roomId: string;
  ticketNo: string;
  sittingId: string;
}

/**
 * Refuses the whole batch if one change names an item not in the paper or does not fit its
 * item: answer:save and answer:deliver store nothing a paper could not hold.
 */
export function checkChangesFit(
  items: ReadonlyMap<string, Item>,
  changes: readonly { itemId: string; value: AnswerValue }[],
): void {
  for (const c of changes) {
    const item = items.get(c.itemId);
    if (!item) throw new ProtocolError(ERROR_CODES.UNKNOWN_ITEM, `Item ${c.itemId} is not in this paper.`);
    if (!answerFitsItem(item, c.value)) {
      throw new ProtocolError(ERROR_CODES.INVALID_MESSAGE, `The answer does not fit item ${c.itemId}.`);
    }
  }
}

/**
 * Where a retired session's leftovers go (answer:deliver). The token names the candidate
 * sitting, as for a resume, and only the machine that session was on may use it: after a
 * reset the token is void (the proctor released that machine), so its leftovers are refused
 * with SESSION_INVALID and stay on the machine's disk. Whoever is logged in on the socket
 * now plays no part. The caller checks the items and commits through the group committer.
 */
export function deliveryTarget(
  ctx: SiteContext,
  machine: MachineInfo,
  req: { sessionToken: string; sittingId: string },
  hasStarted: (roomId: string, sittingId: string) => boolean,
): SaveTarget {
  const cs = sessionOnMachine(ctx, machine, req.sessionToken);
  if (cs.sitting_id !== req.sittingId) {
    throw new ProtocolError(ERROR_CODES.FORBIDDEN, 'This session is not for that sitting.');
  }
  const candidate = getCandidate(ctx.db, cs.ticket_no);
  if (!candidate) throw new ProtocolError(ERROR_CODES.SESSION_INVALID, 'This session is no longer valid.');
  // A candidate taken in by another room (issue 19) answers in that room's sitting.
  const roomId = cs.taken_in_room ?? candidate.room_id;
  if (!hasStarted(roomId, cs.sitting_id)) {
    throw new ProtocolError(ERROR_CODES.SITTING_NOT_STARTED, 'The sitting has not started.');
  }
  return { roomId, ticketNo: cs.ticket_no, sittingId: cs.sitting_id };
}
