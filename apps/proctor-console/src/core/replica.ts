import { writePackageV2 } from '@exam/crypto';
import {
  type ReplicaChange,
  type RoomSnapshot,
  replicaChangeSchema,
  type StandaloneOfflineKit,
  type TransferView,
} from '@exam/protocol';
import {
  allChanges,
  countChanges,
  heldThroughByTicket,
  insertChange,
  latestPerItem,
  maxSeqByTicket,
  type ReplicaAnswer,
} from './replica/changesTable.js';
import { claimForRoom, replicaRoomId } from './replica/metaTable.js';
import { type Db, openReplicaDb } from './replica/openDb.js';
import { loadSnapshot, saveSnapshot } from './replica/snapshotTable.js';
import { loadStandaloneKit, saveStandaloneKit } from './replica/standaloneKitTable.js';
import type { RoomState } from './roomState.js';

export { ReplicaCorruptError, ReplicaFromTheFutureError } from './replica/openDb.js';

export class ReplicaRoomMismatchError extends Error {
  constructor(
    readonly found: string,
    readonly wanted: string,
  ) {
    super(
      `This replica file belongs to room ${found}, not ${wanted}. Use a separate file per room so two rooms' answers are never mixed.`,
    );
    this.name = 'ReplicaRoomMismatchError';
  }
}

export type { ReplicaAnswer } from './replica/changesTable.js';

/**
 * The room picture the replica keeps: the site's snapshot merged with the pushes since, and
 * the transfers of an overbooked site (issue 19) as this console last saw them. Stored as JSON
 * in the snapshot row, so older files (without transfers) read back unchanged.
 */
export type ReplicaSnapshot = RoomSnapshot & { transfers?: TransferView[] };

/** The decrypted content of a `backup` package. */
export interface ReplicaBackup {
  roomId: string;
  exportedAt: string;
  snapshot: ReplicaSnapshot | null;
  changes: ReplicaChange[];
}

/**
 * Asks the site server for a sitting's changes above `have` (the `replica:pull` command).
 * Entries are checked one by one here (a malformed one is null or off-shape and skipped).
 */
export type ReplicaPull = (sittingId: string, have: Record<string, number>) => Promise<readonly unknown[]>;

export interface RoomReplicaOptions {
  roomId: string;
  /** Tile pushes come several times a second; the room picture is written at most this often. */
  snapshotIntervalMs?: number;
  /** A deferred room-picture write that failed (the caller shows it; answers are written inline). */
  onError?: (e: Error) => void;
}

/**
 * The console's own copy of its room (ARCHITECTURE: the room survives a site-server
 * failure): every answer change the server committed, pushed right after the commit or
 * pulled after a (re)connect, and the latest room picture. Answer changes are written
 * synchronously in one synchronous=FULL transaction per push, so once `applyChanges`
 * returns they are on this machine's disk.
 */
export class RoomReplica {
  private closed = false;
  private pendingState: RoomState | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastStateWrite = Number.NEGATIVE_INFINITY;
  private readonly snapshotIntervalMs: number;
  private readonly onError: (e: Error) => void;

  private constructor(
    private readonly db: Db,
    readonly roomId: string,
    opts: RoomReplicaOptions,
  ) {
    this.snapshotIntervalMs = opts.snapshotIntervalMs ?? 1000;
    this.onError = opts.onError ?? (() => {});
  }

  static open(path: string, opts: RoomReplicaOptions): RoomReplica {
    const db = openReplicaDb(path);
    try {
      const owner = replicaRoomId(db);
      if (owner === null) claimForRoom(db, opts.roomId, Date.now());
      else if (owner !== opts.roomId) throw new ReplicaRoomMismatchError(owner, opts.roomId);
    } catch (e) {
      db.close();
      throw e;
    }
    return new RoomReplica(db, opts.roomId, opts);
  }

  /**
   * Stores committed changes idempotently, all in one transaction (one fsync). Returns how
   * many were new. A malformed entry is skipped, not allowed to sink the rest of the push.
   */
  applyChanges(changes: readonly unknown[]): number {
    if (this.closed) return 0;
    const valid = changes.filter(isReplicaChange);
    if (valid.length < changes.length) {
      this.onError(new Error(`skipped ${changes.length - valid.length} malformed replica change(s)`));
    }
    if (valid.length === 0) return 0;
    return this.db.transaction(() => valid.filter((c) => insertChange(this.db, c)).length)();
  }

  saveSnapshot(snapshot: ReplicaSnapshot): void {
    if (this.closed) return;
    saveSnapshot(this.db, snapshot, Date.now());
  }

  /**
   * Records the console's current room picture, at most once per interval: the first change
   * is written at once, later ones coalesce into one trailing write of the newest state.
   */
  noteRoomState(state: RoomState): void {
    if (this.closed) return;
    this.pendingState = state;
    if (this.timer) return;
    const wait = this.lastStateWrite + this.snapshotIntervalMs - performance.now();
    if (wait <= 0) this.writePendingState();
    else {
      this.timer = setTimeout(() => this.writePendingState(), wait);
      this.timer.unref();
    }
  }

  snapshot(): ReplicaSnapshot | null {
    return loadSnapshot(this.db);
  }

  /** Per candidate, the highest sequence held for the sitting. */
  have(sittingId: string): Record<string, number> {
    return maxSeqByTicket(this.db, sittingId);
  }

  /**
   * Per candidate, the n such that 1..n are all held: what a pull asks above. Not `have`:
   * the server may commit sequences out of order and a push can be lost on a disconnect,
   * so a higher sequence held says nothing about the ones below it.
   */
  heldThrough(sittingId: string): Record<string, number> {
    return heldThroughByTicket(this.db, sittingId);
  }

  latestAnswers(sittingId: string, ticketNo: string): ReplicaAnswer[] {
    return latestPerItem(this.db, sittingId, ticketNo);
  }

  changes(): ReplicaChange[] {
    return allChanges(this.db);
  }

  countChanges(): number {
    return countChanges(this.db);
  }

  /**
   * Keeps the site's standalone kit for the room (issue 17, decision 0017 amendment), without
   * its sitting keys: what an offline export needs besides the answers and the key in memory.
   */
  saveStandaloneKit(kit: StandaloneOfflineKit): void {
    if (this.closed) return;
    saveStandaloneKit(this.db, kit, Date.now());
  }

  standaloneKit(): StandaloneOfflineKit | null {
    return loadStandaloneKit(this.db);
  }

  /** Fetches, sitting by sitting, every change above what is held; returns how many were new. */
  async pull(sittingIds: readonly string[], fetch: ReplicaPull): Promise<number> {
    let added = 0;
    for (const sittingId of sittingIds) {
      if (this.closed) break;
      added += this.applyChanges(await fetch(sittingId, this.heldThrough(sittingId)));
    }
    return added;
  }

  /**
   * The replica as a signed, encrypted `backup` package (ARCHITECTURE §4; container version 2,
   * issue 18). Signed with the proctor key; its payload key wrapped for each recipient: the
   * province the exam data names and the centre root, so either can open it.
   * `signerPrivateKeyPem` is key material: it is passed to writePackageV2 and never logged.
   */
  exportBackup(opts: {
    signerCertPem: string;
    signerPrivateKeyPem: string;
    recipientCertPems: readonly string[];
    now?: Date;
  }): Buffer {
    const now = opts.now ?? new Date();
    // One read transaction, so the snapshot and the changes are from the same moment.
    const { snapshot, changes } = this.db.transaction(() => ({
      snapshot: loadSnapshot(this.db),
      changes: allChanges(this.db),
    }))();
    const backup: ReplicaBackup = { roomId: this.roomId, exportedAt: now.toISOString(), snapshot, changes };
    return writePackageV2({
      kind: 'backup',
      payload: Buffer.from(JSON.stringify(backup), 'utf8'),
      // The manifest is readable without the key: room and counts only, no candidate data.
      meta: { roomId: this.roomId, changes: changes.length },
      signer: { kind: 'certificate', certPem: opts.signerCertPem, privateKeyPem: opts.signerPrivateKeyPem },
      recipients: opts.recipientCertPems.map((certPem) => ({ kind: 'certificate' as const, certPem })),
      now,
    });
  }

  /** Writes any pending room picture, then closes the file. */
  close(): void {
    if (this.closed) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.writePendingState();
    }
    this.closed = true;
    this.db.close();
  }

  private writePendingState(): void {
    this.timer = null;
    const state = this.pendingState;
    this.pendingState = null;
    this.lastStateWrite = performance.now();
    const snapshot = state ? snapshotOf(state) : null;
    if (!snapshot) return;
    try {
      this.saveSnapshot(snapshot);
    } catch (e) {
      this.onError(e as Error);
    }
  }
}

/** The console's merged picture (snapshot plus the tile, machine and alert pushes since). */
export function snapshotOf(state: RoomState): ReplicaSnapshot | null {
  const room = state.room;
  if (!room) return null;
  return {
    ...room,
    serverNow: Math.floor(state.serverNow()),
    candidates: state.candidates(),
    machines: [...state.machines],
    alerts: [...state.alerts],
    joinRequests: [...state.joinRequests],
    transfers: [...state.transfers],
  };
}

/** The protocol's own shape of a committed change: one definition, so a new field cannot be missed here. */
function isReplicaChange(x: unknown): x is ReplicaChange {
  return replicaChangeSchema.safeParse(x).success;
}
