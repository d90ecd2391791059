import type { CandidateTile, MachineTile, RoomAlert, TransferView } from '@exam/protocol';
import type {
  BackupView,
  HistoryEntry,
  HostPush,
  JoinRequestView,
  QueuedAnswerFile,
  QueuedOutcome,
  RoomInfo,
  SessionState,
  StandaloneOfflineView,
  StandalonePackageView,
} from '../../shared/api.js';

/**
 * The renderer's picture of the room, rebuilt immutably from the host's pushes so Preact
 * can compare by reference. Pure: the unit tests drive it without a browser.
 */
export interface RoomModel {
  session: SessionState | null;
  room: RoomInfo | null;
  /** Server time minus this page's monotonic clock at the last push. */
  offset: number;
  tiles: ReadonlyMap<string, CandidateTile>;
  machines: readonly MachineTile[];
  alerts: readonly RoomAlert[];
  /** Machines waiting for this console to approve them for a seat (issue 16). */
  joinRequests: readonly JoinRequestView[];
  history: readonly HistoryEntry[];
  /** The room's standalone packages (issue 17) and the answer files waiting for the server. */
  standalone: {
    packages: readonly StandalonePackageView[];
    queued: readonly QueuedAnswerFile[];
    lastQueuedOutcome: QueuedOutcome | null;
    /** Offline export (decision 0017, amendment): null until the host said. */
    offline: StandaloneOfflineView | null;
  };
  /** The room's latest backup and its deposit with the site (issue 18). */
  backup: BackupView | null;
  /** Overbooking (issue 19): the site's open transfers and every one out of or into this room. */
  transfers: readonly TransferView[];
  /** Bumped on every push that changed a tile; the benchmark reads it. */
  version: number;
}

export const EMPTY_MODEL: RoomModel = Object.freeze({
  session: null,
  room: null,
  offset: 0,
  tiles: new Map(),
  machines: [],
  alerts: [],
  joinRequests: [],
  history: [],
  standalone: Object.freeze({ packages: [], queued: [], lastQueuedOutcome: null, offline: null }),
  backup: null,
  transfers: [],
  version: 0,
});

export const tileKey = (t: { ticketNo: string; sittingId: string }) => `${t.ticketNo}:${t.sittingId}`;

export function applyPush(m: RoomModel, push: HostPush, monotonicNow: number): RoomModel {
  if (push.type === 'session') {
    const signedOut = push.session.phase !== 'signed-in';
    // Files waiting to be collected stay counted while signed out: they are on this console.
    return signedOut
      ? {
          ...EMPTY_MODEL,
          session: push.session,
          standalone: { ...EMPTY_MODEL.standalone, queued: m.standalone.queued },
        }
      : { ...m, session: push.session };
  }
  if (push.type === 'backup') return { ...m, backup: push.backup };
  if (push.type === 'transfers') return { ...m, transfers: push.transfers };
  if (push.type === 'standalone') {
    const { packages, queued, lastQueuedOutcome, offline } = push;
    return { ...m, standalone: { packages, queued, lastQueuedOutcome, offline: offline ?? null } };
  }
  const offset = push.serverNow - monotonicNow;
  if (push.type === 'full') {
    return {
      ...m,
      offset,
      room: push.room,
      tiles: new Map(push.tiles.map((t) => [tileKey(t), t])),
      machines: push.machines,
      alerts: push.alerts,
      joinRequests: push.joinRequests,
      history: push.history,
      version: m.version + 1,
    };
  }
  const next: RoomModel = { ...m, offset };
  if (push.room) next.room = push.room;
  if (push.tiles && push.tiles.length > 0) {
    const tiles = new Map(m.tiles);
    for (const t of push.tiles) tiles.set(tileKey(t), t);
    next.tiles = tiles;
    next.version = m.version + 1;
  }
  if (push.removed && push.removed.length > 0) {
    const tiles = new Map(next.tiles);
    for (const k of push.removed) tiles.delete(k);
    next.tiles = tiles;
    next.version = m.version + 1;
  }
  if (push.machines) next.machines = push.machines;
  if (push.alerts) next.alerts = push.alerts;
  if (push.joinRequests) next.joinRequests = push.joinRequests;
  if (push.history && push.history.length > 0) {
    const known = new Set(m.history.map((h) => h.id));
    const fresh = push.history.filter((h) => !known.has(h.id));
    if (fresh.length > 0) next.history = [...m.history, ...fresh].slice(-5000);
  }
  return next;
}
