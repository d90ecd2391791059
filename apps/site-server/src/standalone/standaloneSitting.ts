import { ERROR_CODES, ProtocolError } from '@exam/protocol';
import { type CandidateSittingRow, listSittingsOfCandidate } from '../candidates/candidateSittingsTable.js';
import { type CandidateRow, getCandidate } from '../candidates/candidatesTable.js';
import type { SiteContext } from '../site/context.js';
import { getRoomSitting, type RoomSittingRow } from '../sittings/roomSittingsTable.js';

/**
 * The sitting a standalone package is for: the candidate's sitting that has started and not
 * ended in the console's own room, the room they sit it in (their arranged one, or the one
 * that took them in: issue 19). A console acts on its own room only: another room's
 * candidate is simply not found here.
 */
export function standaloneSittingOf(
  ctx: SiteContext,
  roomId: string,
  ticketNo: string,
): { candidate: CandidateRow; cs: CandidateSittingRow; rs: RoomSittingRow } {
  const candidate = getCandidate(ctx.db, ticketNo);
  const sittings = candidate
    ? listSittingsOfCandidate(ctx.db, ticketNo).filter(
        (cs) => (cs.taken_in_room ?? candidate.room_id) === roomId,
      )
    : [];
  if (!candidate || sittings.length === 0) {
    throw new ProtocolError(ERROR_CODES.UNKNOWN_TICKET, `Candidate ${ticketNo} does not sit in this room.`);
  }
  let notStarted = false;
  for (const cs of sittings) {
    const rs = getRoomSitting(ctx.db, roomId, cs.sitting_id);
    if (!rs || rs.ended_at !== null) continue;
    if (rs.started_at === null) {
      notStarted = true;
      continue;
    }
    if (cs.status === 'handed-in' || cs.status === 'absent') {
      throw new ProtocolError(
        ERROR_CODES.NOT_ALLOWED_NOW,
        `This candidate is ${cs.status}; there is nothing to continue standalone.`,
      );
    }
    return { candidate, cs, rs };
  }
  if (notStarted) {
    throw new ProtocolError(
      ERROR_CODES.SITTING_NOT_STARTED,
      'The sitting has not started: a standalone package carries a started paper.',
    );
  }
  throw new ProtocolError(ERROR_CODES.NO_SITTING, 'This candidate has no running sitting in this room.');
}
