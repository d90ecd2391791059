import type { RegisteredKeyView, RoomOverview, RoomsOverview, SiteOverview } from '@exam/protocol';
import { listRoomCandidates } from '../candidates/candidateSittingsTable.js';
import { countLiveBindingsOfRoom } from '../machines/machineBindingsTable.js';
import { listRoomMachines } from '../machines/machinesTable.js';
import { listRegisteredKeys } from '../proctors/registeredKeysTable.js';
import { listRooms } from '../rooms/roomsTable.js';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';
import { listRoomSittings } from '../sittings/roomSittingsTable.js';
import { getSittingMeta } from '../sittings/sittingsTable.js';
import { phaseOf } from '../sittings/views.js';

/** What the admin page learns from the live server that the database does not hold. */
export interface LiveRooms {
  /** A proctor console is signed in for the room now. */
  consoleConnected(roomId: string): boolean;
}

export function siteOverview(ctx: SiteContext): SiteOverview {
  return {
    examId: getMeta(ctx.db, 'examId'),
    examName: getMeta(ctx.db, 'examName'),
    siteId: getMeta(ctx.db, 'siteId'),
    siteName: getMeta(ctx.db, 'siteName'),
    arrangementTimestamp: getMeta(ctx.db, 'arrangementTimestamp'),
    authorizedUntil: getMeta(ctx.db, 'authorizedUntil'),
    serverNow: ctx.clock.now(),
  };
}

function roomOverview(
  ctx: SiteContext,
  live: LiveRooms,
  room: { room_id: string; name: string; seats: number },
) {
  const machines = listRoomMachines(ctx.db, room.room_id);
  const checked = machines.filter((m) => m.check_json !== null);
  const shortfall = checked.filter((m) => (JSON.parse(m.shortfalls) as string[]).length > 0);
  const sittings = listRoomSittings(ctx.db, room.room_id).flatMap((rs) => {
    const s = getSittingMeta(ctx.db, rs.sitting_id);
    if (!s) return [];
    const candidates = listRoomCandidates(ctx.db, room.room_id, rs.sitting_id);
    const count = (p: (c: (typeof candidates)[number]) => boolean) => candidates.filter(p).length;
    return [
      {
        sittingId: rs.sitting_id,
        subjectName: s.subject_name,
        scheduledStart: s.scheduled_start,
        phase: phaseOf(rs),
        candidates: candidates.length,
        loggedIn: count((c) => c.logged_in_at !== null),
        answering: count((c) => c.status === 'answering'),
        handedIn: count((c) => c.status === 'handed-in'),
        absent: count((c) => c.status === 'absent'),
      },
    ];
  });
  return {
    roomId: room.room_id,
    name: room.name,
    seats: room.seats,
    machinesApproved: countLiveBindingsOfRoom(ctx.db, room.room_id),
    machinesChecked: checked.length - shortfall.length,
    machinesShortfall: shortfall.length,
    consoleConnected: live.consoleConnected(room.room_id),
    sittings: sittings.sort((a, b) => a.scheduledStart - b.scheduledStart),
  } satisfies RoomOverview;
}

/** Every room at a glance (`GET /api/admin/rooms`), from the same tables the consoles read. */
export function roomsOverview(ctx: SiteContext, live: LiveRooms): RoomsOverview {
  return { site: siteOverview(ctx), rooms: listRooms(ctx.db).map((r) => roomOverview(ctx, live, r)) };
}

/** The registered proctor and chief keys (`GET /api/admin/keys`). */
export function registeredKeys(ctx: SiteContext): RegisteredKeyView[] {
  return listRegisteredKeys(ctx.db).map((k) => ({
    role: k.role,
    roomId: k.room_id,
    holder: k.holder,
    fingerprint: k.fingerprint,
  }));
}
