import type { Db } from '../db/open.js';
import { getRoomSitting } from '../sittings/roomSittingsTable.js';
import { type CandidateSittingRow, listSittingsOfCandidate } from './candidateSittingsTable.js';

/**
 * The sitting a candidate is here for now, and the room they sit it in: the first of their
 * sittings not handed in whose room has not ended it. The room is their arranged one, or
 * the one that took them in for that sitting (issue 19).
 */
export function currentSittingOf(
  db: Db,
  candidate: { ticket_no: string; room_id: string },
): { cs: CandidateSittingRow; roomId: string } | undefined {
  for (const cs of listSittingsOfCandidate(db, candidate.ticket_no)) {
    // An absent mark is undone by the candidate arriving; a hand-in is final.
    if (cs.status === 'handed-in') continue;
    const roomId = cs.taken_in_room ?? candidate.room_id;
    const rs = getRoomSitting(db, roomId, cs.sitting_id);
    if (rs !== undefined && rs.ended_at === null) return { cs, roomId };
  }
  return undefined;
}
