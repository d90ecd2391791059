import type { CandidateTile, ReplicaChange, RoomAlert, RoomSnapshot } from '@exam/protocol';
import { getRoomCandidate, listRoomCandidates } from '../candidates/candidateSittingsTable.js';
import { roomJoinRequests } from '../machines/machineApprovals.js';
import { machineTiles, roomAlerts } from '../machines/machines.js';
import type { MachinePresence, Presence } from '../machines/presence.js';
import type { SiteContext } from '../site/context.js';
import { listRoomSittings } from '../sittings/roomSittingsTable.js';
import { getSittingMeta, type SittingMeta } from '../sittings/sittingsTable.js';
import { candidateTile, roomSittingView } from '../sittings/views.js';
import { type ProctorNamespace, proctorRoom } from '../sockets/proctorRoom.js';
import { getRoom } from './roomsTable.js';

const tileKey = (ticketNo: string, sittingId: string) => `${ticketNo}\u0000${sittingId}`;

function addTo(map: Map<string, Set<string>>, roomId: string, key: string): void {
  let set = map.get(roomId);
  if (!set) {
    set = new Set();
    map.set(roomId, set);
  }
  set.add(key);
}

/** What a save changes on a candidate's tile, as the commit that stored it reported. */
export interface TileProgress {
  answered: number;
  ackSeq: number;
  lastSyncAt: number;
}

type ProgressByKey = Map<string, TileProgress>;

/**
 * Pushes tile changes to a room's consoles, batched: a change of state (login, hand-in,
 * connection, time, a violation) at most `intervalMs` after it happens, and so is a save's
 * progress while the site is quiet. When more than `quietProgressTiles` tiles wait for a
 * progress refresh at once (a site-wide burst of saves: thousands a second), progress-only
 * tiles are sent every `progressEveryTicks` intervals instead: "37 of 100 answered" two
 * seconds late costs a proctor nothing, while a message per save would delay every
 * acknowledgement. The answers themselves reach the console's replica after every commit
 * (`sendCommitted`).
 *
 * A change of state reads the candidate's tile from the database. A save's progress does
 * not: its commit reports the new count and acknowledgement, which are laid over the tile
 * this broadcaster last built for the candidate (every change of state rebuilds it, so the
 * rest of it is current).
 */
export class RoomBroadcaster {
  private readonly dirty = new Map<string, Set<string>>();
  /** Progress waiting for the slow pace, per room, the latest per candidate. */
  private readonly progressWaiting = new Map<string, ProgressByKey>();
  /** Progress to go out with the next flush. */
  private readonly progressDue = new Map<string, ProgressByKey>();
  private readonly lastBuilt = new Map<string, CandidateTile>();
  private readonly machinesDirty = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private ticksSinceProgress = 0;
  private spreading = false;
  private closed = false;

  constructor(
    private readonly nsp: ProctorNamespace,
    private readonly ctx: SiteContext,
    private readonly presence: Presence,
    private readonly machines: MachinePresence,
    intervalMs = 250,
    private readonly progressEveryTicks = 8,
    private readonly quietProgressTiles = 100,
  ) {
    this.timer = setInterval(() => {
      this.ticksSinceProgress++;
      if (
        this.ticksSinceProgress >= this.progressEveryTicks ||
        this.progressPending() <= this.quietProgressTiles
      ) {
        this.promoteProgress();
      }
      this.flushSpread();
    }, intervalMs);
    this.timer.unref();
  }

  markDirty(roomId: string, ticketNo: string, sittingId: string): void {
    addTo(this.dirty, roomId, tileKey(ticketNo, sittingId));
  }

  /** A save changed this candidate's progress only: the tile follows at the slower pace. */
  markProgress(roomId: string, ticketNo: string, sittingId: string, progress: TileProgress): void {
    let room = this.progressWaiting.get(roomId);
    if (!room) {
      room = new Map();
      this.progressWaiting.set(roomId, room);
    }
    room.set(tileKey(ticketNo, sittingId), progress);
  }

  private progressPending(): number {
    let n = 0;
    for (const keys of this.progressWaiting.values()) n += keys.size;
    return n;
  }

  private promoteProgress(): void {
    for (const [roomId, waiting] of this.progressWaiting) {
      const due = this.progressDue.get(roomId);
      if (!due) this.progressDue.set(roomId, waiting);
      else for (const [key, p] of waiting) due.set(key, p);
    }
    this.progressWaiting.clear();
    this.ticksSinceProgress = 0;
  }

  snapshot(roomId: string): RoomSnapshot {
    const room = getRoom(this.ctx.db, roomId)!;
    const sittings = listRoomSittings(this.ctx.db, roomId);
    const bySitting = new Map(sittings.map((rs) => [rs.sitting_id, rs]));
    const metas = new Map<string, SittingMeta | undefined>();
    const candidates = listRoomCandidates(this.ctx.db, roomId).flatMap((row) => {
      const sitting = this.sittingMeta(metas, row.sitting_id);
      const tile = this.tile(row.ticket_no, row.sitting_id, bySitting.get(row.sitting_id), sitting, row);
      return tile ? [tile] : [];
    });
    return {
      roomId,
      roomName: room.name,
      seats: room.seats,
      serverNow: this.ctx.clock.now(),
      sittings: sittings.map((rs) => roomSittingView(this.sittingMeta(metas, rs.sitting_id)!, rs)),
      candidates,
      machines: this.machineTiles(roomId),
      alerts: roomAlerts(this.ctx, roomId),
      joinRequests: roomJoinRequests(this.ctx, roomId),
    };
  }

  machineTiles(roomId: string) {
    return machineTiles(this.ctx, roomId, (id) => this.machines.isOnline(id));
  }

  /** Machine changes come in storms (a room registering at once): sent with the next flush. */
  markMachinesDirty(roomId: string): void {
    this.machinesDirty.add(roomId);
  }

  sendAlert(roomId: string, alert: RoomAlert): void {
    this.nsp.to(proctorRoom(roomId)).emit('room:alert', alert);
  }

  /**
   * Committed changes go to the room's consoles straight after the commit, unthrottled:
   * the console's replica must hold what the server acknowledged (issue 4, item 11).
   */
  sendCommitted(byRoom: Map<string, ReplicaChange[]>): void {
    for (const [roomId, changes] of byRoom)
      this.nsp.to(proctorRoom(roomId)).emit('room:answers', { changes });
  }

  /** How many candidates a notice reaches now (online, in this room and sitting). */
  noticeRecipients(roomId: string, sittingId: string, ticketNo?: string): number {
    return listRoomCandidates(this.ctx.db, roomId, sittingId).filter(
      (c) => (!ticketNo || c.ticket_no === ticketNo) && this.presence.isOnline(c.ticket_no, sittingId),
    ).length;
  }

  sendSnapshot(roomId: string): void {
    this.nsp.to(proctorRoom(roomId)).emit('room:snapshot', this.snapshot(roomId));
  }

  /** Sends every pending batch now, all rooms in one go (tests, shutdown). */
  flush(): void {
    this.promoteProgress();
    const metas = new Map<string, SittingMeta | undefined>();
    for (const roomId of this.pendingRooms()) this.flushRoom(roomId, metas);
  }

  /**
   * The timer's flush: one room per macrotask. At a few thousand candidates a site-wide
   * batch takes tens of milliseconds, and saves arriving meanwhile would wait for all of
   * it; between rooms the event loop reads and acknowledges them.
   */
  private flushSpread(): void {
    if (this.spreading) return;
    const rooms = this.pendingRooms();
    // One read of each sitting per flush, shared by every room and tile.
    const metas = new Map<string, SittingMeta | undefined>();
    let i = 0;
    const next = () => {
      const roomId = rooms[i++];
      if (roomId === undefined || this.closed) {
        this.spreading = false;
        return;
      }
      this.flushRoom(roomId, metas);
      setImmediate(next);
    };
    this.spreading = true;
    next();
  }

  private pendingRooms(): string[] {
    return [...new Set([...this.machinesDirty, ...this.dirty.keys(), ...this.progressDue.keys()])];
  }

  private flushRoom(roomId: string, metas: Map<string, SittingMeta | undefined>): void {
    if (this.machinesDirty.delete(roomId)) {
      this.nsp.to(proctorRoom(roomId)).emit('room:machines', { machines: this.machineTiles(roomId) });
    }
    const keys = this.dirty.get(roomId) ?? new Set<string>();
    const due = this.progressDue.get(roomId) ?? new Map<string, TileProgress>();
    this.dirty.delete(roomId);
    this.progressDue.delete(roomId);
    // Progress without a tile to lay it on is read whole, with the changes of state.
    for (const key of due.keys()) if (!this.lastBuilt.has(key)) keys.add(key);
    const tiles: CandidateTile[] = [];
    if (keys.size > 0) {
      // Those tiles are fresh now: no need to send them again for progress.
      const waiting = this.progressWaiting.get(roomId);
      const sittings = new Map(listRoomSittings(this.ctx.db, roomId).map((rs) => [rs.sitting_id, rs]));
      for (const key of keys) {
        waiting?.delete(key);
        due.delete(key);
        const [ticketNo, sittingId] = key.split('\u0000') as [string, string];
        const tile = this.tile(
          ticketNo,
          sittingId,
          sittings.get(sittingId),
          this.sittingMeta(metas, sittingId),
        );
        if (tile) tiles.push(tile);
      }
    }
    for (const [key, progress] of due) {
      const last = this.lastBuilt.get(key)!;
      // A commit reported late must not take a fresher tile back.
      if (progress.ackSeq < last.ackSeq) continue;
      const tile = { ...last, ...progress };
      this.lastBuilt.set(key, tile);
      tiles.push(tile);
    }
    if (tiles.length > 0) {
      this.nsp.to(proctorRoom(roomId)).emit('room:tiles', { serverNow: this.ctx.clock.now(), tiles });
    }
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
  }

  private sittingMeta(
    cache: Map<string, SittingMeta | undefined>,
    sittingId: string,
  ): SittingMeta | undefined {
    if (!cache.has(sittingId)) cache.set(sittingId, getSittingMeta(this.ctx.db, sittingId));
    return cache.get(sittingId);
  }

  /** Builds a candidate's tile from the database, and remembers it for their progress. */
  private tile(
    ticketNo: string,
    sittingId: string,
    rs: ReturnType<typeof listRoomSittings>[number] | undefined,
    sitting: SittingMeta | undefined,
    row = getRoomCandidate(this.ctx.db, ticketNo, sittingId),
  ): CandidateTile | null {
    if (!row || !rs || !sitting) return null;
    const total = rs.started_at !== null ? this.ctx.papers.items(sittingId).size : 0;
    const tile = candidateTile(row, sitting, rs, this.presence.isOnline(ticketNo, sittingId), total);
    this.lastBuilt.set(tileKey(ticketNo, sittingId), tile);
    return tile;
  }
}
