import type {
  CandidateTile,
  JoinRequest,
  MachineTile,
  RoomAlert,
  RoomSnapshot,
  TransferView,
} from '@exam/protocol';

/**
 * The console's live picture of its room: a snapshot, then tile updates merged in by
 * (ticket, sitting). Pure, so the dashboard and the tests share it.
 */
export class RoomState {
  private snapshot: RoomSnapshot | null = null;
  private readonly tiles = new Map<string, CandidateTile>();
  private machineTiles: MachineTile[] = [];
  private alertList: RoomAlert[] = [];
  /** Machines asking to join a seat of this room (issue 16), replaced whole at each push. */
  private joinRequestList: JoinRequest[] = [];
  /**
   * Overbooking (issue 19): the site's open transfers (any room may take one in) and every one
   * out of or into this room, replaced whole at each `room:transfers` push or re-read.
   */
  private transferList: TransferView[] = [];
  /** Server time minus local monotonic time at the last message. */
  private offset = 0;

  constructor(private readonly monotonicNow: () => number = () => performance.now()) {}

  applySnapshot(s: RoomSnapshot): void {
    this.snapshot = s;
    this.tiles.clear();
    for (const t of s.candidates) this.tiles.set(key(t), t);
    this.machineTiles = s.machines;
    this.alertList = s.alerts;
    this.joinRequestList = s.joinRequests;
    this.offset = s.serverNow - this.monotonicNow();
  }

  applyMachines(machines: MachineTile[]): void {
    this.machineTiles = machines;
  }

  applyJoinRequests(requests: JoinRequest[]): void {
    this.joinRequestList = requests;
  }

  applyTransfers(transfers: TransferView[]): void {
    this.transferList = transfers;
    // A candidate another room took in sits the sitting there: the site's snapshot of this
    // room leaves them out, and so does this picture (the tile would otherwise stay as it was).
    const roomId = this.snapshot?.roomId;
    for (const x of transfers) {
      if (x.state === 'in' && x.fromRoomId === roomId && x.toRoomId !== roomId) {
        this.tiles.delete(key(x));
      }
    }
  }

  get transfers(): readonly TransferView[] {
    return this.transferList;
  }

  get joinRequests(): readonly JoinRequest[] {
    return this.joinRequestList;
  }

  applyAlert(alert: RoomAlert): void {
    if (this.alertList.some((a) => a.id === alert.id)) return;
    this.alertList = [...this.alertList.slice(-99), alert];
  }

  get machines(): readonly MachineTile[] {
    return this.machineTiles;
  }

  get alerts(): readonly RoomAlert[] {
    return this.alertList;
  }

  applyTiles(serverNow: number, tiles: CandidateTile[]): void {
    for (const t of tiles) this.tiles.set(key(t), t);
    this.offset = serverNow - this.monotonicNow();
  }

  /**
   * The server's clock as read at local monotonic time `at` (a sign-in or a time:sync, at the
   * midpoint of its round trip): the displayed clock follows a correction of the server's.
   */
  applyServerNow(serverNow: number, at: number): void {
    this.offset = serverNow - at;
  }

  get ready(): boolean {
    return this.snapshot !== null;
  }

  get room(): Omit<RoomSnapshot, 'candidates' | 'machines' | 'alerts' | 'joinRequests'> | null {
    if (!this.snapshot) return null;
    const { candidates: _c, machines: _m, alerts: _a, joinRequests: _j, ...rest } = this.snapshot;
    return rest;
  }

  serverNow(): number {
    return this.monotonicNow() + this.offset;
  }

  candidates(sittingId?: string): CandidateTile[] {
    const all = [...this.tiles.values()];
    return sittingId ? all.filter((t) => t.sittingId === sittingId) : all;
  }

  counts(sittingId: string): Record<CandidateTile['status'], number> & { online: number } {
    const counts = { absent: 0, 'not-started': 0, 'logged-in': 0, answering: 0, 'handed-in': 0, online: 0 };
    for (const t of this.candidates(sittingId)) {
      counts[t.status]++;
      if (t.online) counts.online++;
    }
    return counts;
  }
}

function key(t: Pick<CandidateTile, 'ticketNo' | 'sittingId'>): string {
  return `${t.ticketNo}:${t.sittingId}`;
}
