import { ERROR_CODES, ProtocolError, type SittingView } from '@exam/protocol';
import { getCandidateSitting } from '../candidates/candidateSittingsTable.js';
import type { SiteContext } from '../site/context.js';
import { getRoomSitting, listRoomSittings, type RoomSittingRow } from './roomSittingsTable.js';
import { getSittingMeta, type SittingMeta } from './sittingsTable.js';
import { sittingView } from './views.js';

/** The room's sittings whose login is open and that have not ended. */
export function loginOpenSittings(ctx: SiteContext, roomId: string): string[] {
  return listRoomSittings(ctx.db, roomId)
    .filter((rs) => rs.login_opened_at !== null && rs.ended_at === null)
    .map((rs) => rs.sitting_id);
}

export interface CandidateSession {
  ticketNo: string;
  sittingId: string;
  roomId: string;
}

/**
 * Each session's sitting view (undefined where its rows are missing). The sitting and room
 * rows are read once for all of them: at the start that is a room of 40 sockets, site-wide
 * 2000 in one burst.
 */
export function sittingViews(
  ctx: SiteContext,
  sessions: readonly CandidateSession[],
): (SittingView | undefined)[] {
  const shared = new Map<string, { sitting: SittingMeta; rs: RoomSittingRow } | null>();
  const now = ctx.clock.now();
  return sessions.map((s) => {
    const key = `${s.roomId}\u0000${s.sittingId}`;
    let rows = shared.get(key);
    if (rows === undefined) {
      const sitting = getSittingMeta(ctx.db, s.sittingId);
      const rs = getRoomSitting(ctx.db, s.roomId, s.sittingId);
      rows = sitting && rs ? { sitting, rs } : null;
      shared.set(key, rows);
    }
    const cs = getCandidateSitting(ctx.db, s.ticketNo, s.sittingId);
    if (!rows || !cs) return undefined;
    return sittingView(rows.sitting, rows.rs, cs, now);
  });
}

/** The sitting and this room's row of it, or UNKNOWN_SITTING. */
export function roomSitting(
  ctx: SiteContext,
  roomId: string,
  sittingId: string,
): { s: SittingMeta; rs: RoomSittingRow } {
  const s = getSittingMeta(ctx.db, sittingId);
  const rs = getRoomSitting(ctx.db, roomId, sittingId);
  if (!s || !rs)
    throw new ProtocolError(ERROR_CODES.UNKNOWN_SITTING, `Room ${roomId} has no sitting ${sittingId}.`);
  return { s, rs };
}
