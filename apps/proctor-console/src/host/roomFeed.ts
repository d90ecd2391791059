import type { CandidateTile, MachineTile, RoomAlert } from '@exam/protocol';
import type { RoomState } from '../core/index.js';
import type { HistoryEntry, HostPush, RoomInfo } from '../shared/api.js';
import { alertEntry, type HistoryLog, tileEvents } from './history.js';
import { joinRequestViews } from './joinRequests.js';

/**
 * Turns the core's room state into what a renderer needs: one full picture, then deltas
 * holding only the tiles whose object changed. The core replaces a tile object whenever
 * the server sends it, so a reference check finds the changes in O(seats).
 */
export class RoomFeed {
  private readonly sentTiles = new Map<string, CandidateTile>();
  private sentMachines: readonly MachineTile[] | null = null;
  private sentAlerts: readonly RoomAlert[] | null = null;
  private sentJoinRequests: readonly unknown[] | null = null;
  private sentTransfers: readonly unknown[] | null = null;
  private sentRoom = '';
  private readonly seenAlerts = new Set<number>();

  constructor(
    private readonly state: RoomState,
    private readonly history: HistoryLog,
  ) {}

  full(): Extract<HostPush, { type: 'full' }> | null {
    const room = this.roomInfo();
    if (!room) return null;
    return {
      type: 'full',
      serverNow: this.state.serverNow(),
      room,
      tiles: this.state.candidates(),
      machines: [...this.state.machines],
      alerts: [...this.state.alerts],
      joinRequests: joinRequestViews(this.state.joinRequests, this.state.machines),
      history: this.history.all(),
    };
  }

  /** The room's transfers (issue 19), when they changed since the last call (or `force`). */
  transfers(force = false): Extract<HostPush, { type: 'transfers' }> | null {
    const list = this.state.transfers;
    if (!force && list === this.sentTransfers) return null;
    this.sentTransfers = list;
    return { type: 'transfers', transfers: [...list] };
  }

  /**
   * What changed since the last delta (history lines included). Always carries the server
   * time, so a renderer's clock follows every message even when no tile changed.
   */
  delta(): Extract<HostPush, { type: 'delta' }> | null {
    const room = this.roomInfo();
    if (!room) return null;
    const now = this.state.serverNow();
    const push: Extract<HostPush, { type: 'delta' }> = { type: 'delta', serverNow: now };
    const history: HistoryEntry[] = [];
    const roomJson = JSON.stringify(room);
    if (roomJson !== this.sentRoom) {
      this.sentRoom = roomJson;
      push.room = room;
    }
    const tiles: CandidateTile[] = [];
    for (const tile of this.state.candidates()) {
      const key = `${tile.ticketNo}:${tile.sittingId}`;
      const prev = this.sentTiles.get(key);
      if (prev === tile) continue;
      this.sentTiles.set(key, tile);
      if (prev && sameTile(prev, tile)) continue;
      tiles.push(tile);
      for (const e of tileEvents(prev, tile, now, (kind) =>
        this.history.consumeExpected(tile.ticketNo, kind),
      ))
        history.push(this.history.add(e));
    }
    if (tiles.length > 0) push.tiles = tiles;
    const current = new Set(this.state.candidates().map((t) => `${t.ticketNo}:${t.sittingId}`));
    const removed = [...this.sentTiles.keys()].filter((k) => !current.has(k));
    for (const k of removed) this.sentTiles.delete(k);
    if (removed.length > 0) push.removed = removed;
    // A request's view names the seat's current machine: redone when either list changes.
    if (this.state.joinRequests !== this.sentJoinRequests || this.state.machines !== this.sentMachines) {
      this.sentJoinRequests = this.state.joinRequests;
      push.joinRequests = joinRequestViews(this.state.joinRequests, this.state.machines);
    }
    if (this.state.machines !== this.sentMachines) {
      this.sentMachines = this.state.machines;
      push.machines = [...this.state.machines];
    }
    if (this.state.alerts !== this.sentAlerts) {
      this.sentAlerts = this.state.alerts;
      push.alerts = [...this.state.alerts];
      history.push(...this.logNewAlerts());
    }
    if (history.length > 0) push.history = history;
    return push;
  }

  private logNewAlerts(): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    for (const alert of this.state.alerts) {
      if (this.seenAlerts.has(alert.id)) continue;
      this.seenAlerts.add(alert.id);
      const tile = alert.ticketNo ? this.state.candidates().find((t) => t.ticketNo === alert.ticketNo) : null;
      out.push(this.history.add(alertEntry(alert, tile?.sittingId ?? null)));
    }
    return out;
  }

  private roomInfo(): RoomInfo | null {
    const room = this.state.room;
    if (!room) return null;
    return { roomId: room.roomId, roomName: room.roomName, seats: room.seats, sittings: room.sittings };
  }
}

function sameTile(a: CandidateTile, b: CandidateTile): boolean {
  for (const k of Object.keys(a) as (keyof CandidateTile)[]) if (a[k] !== b[k]) return false;
  return true;
}
