import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { sign } from '@exam/crypto';
import {
  buildSignInProof,
  type CandidateDetail,
  type EndChecklist,
  type EndResult,
  type ExtendRequest,
  type ExtendResult,
  NAMESPACES,
  type NoticeAcknowledged,
  onPush,
  type ParsedPushOf,
  type ParsedReplyOf,
  PROTOCOL_VERSION,
  type ProctorContract,
  type ProctorEvent,
  type PushName,
  proctorContract,
  type RequestOf,
  type RoomAlert,
  requestWithAck,
  type StartResult,
  type ViolationRequest,
} from '@exam/protocol';
import { io, type Socket } from 'socket.io-client';
import { RoomReplica } from './replica.js';
import { RoomState } from './roomState.js';

export interface ProctorCoreOptions {
  serverUrl: string;
  siteId: string;
  roomId: string;
  /** The proctor key (监考锁) from its PKCS#12 file; the private key stays in memory. */
  key: { certPem: string; privateKeyPem: string };
  monotonicNow?: () => number;
  ackTimeoutMs?: number;
  /** The room replica's SQLite file (issue 4, item 11); no replica when absent. */
  replicaPath?: string;
}

export class ProctorCommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ProctorCommandError';
  }
}

type Events = {
  change: [];
  connection: [connected: boolean];
  alert: [RoomAlert];
  /** A candidate pressed "知道了" on a notice. */
  noticeAck: [NoticeAcknowledged];
  /** The replica could not store or fetch something; it is retried at the next (re)connect. */
  replicaError: [Error];
  /** The server pushed something the contract does not allow; it was dropped, not applied. */
  malformedPush: [event: string, issues: string[]];
};

/**
 * Follows one room live and issues its commands. socket.io delivers at most once
 * (ARCHITECTURE §11), so after every reconnect the console asks for a fresh snapshot.
 */
export class ProctorCore extends EventEmitter<Events> {
  readonly state: RoomState;
  readonly replica: RoomReplica | null;
  /** Untyped on purpose: pushes and replies are `unknown` until the contract parses them. */
  private readonly socket: Socket;
  private readonly ackTimeoutMs: number;

  constructor(opts: ProctorCoreOptions) {
    super();
    this.state = new RoomState(opts.monotonicNow);
    this.ackTimeoutMs = opts.ackTimeoutMs ?? 10_000;
    this.replica = opts.replicaPath
      ? RoomReplica.open(opts.replicaPath, {
          roomId: opts.roomId,
          onError: (e) => this.emit('replicaError', e),
        })
      : null;
    this.socket = io(`${opts.serverUrl}${NAMESPACES.proctor}`, {
      transports: ['websocket'],
      // A fresh signed statement at every (re)connect: the server accepts each nonce once.
      auth: (cb) =>
        cb({
          protocolVersion: PROTOCOL_VERSION,
          roomId: opts.roomId,
          proof: buildSignInProof(
            {
              certPem: opts.key.certPem,
              siteId: opts.siteId,
              roomId: opts.roomId,
              signedAt: this.serverTime(),
              nonce: randomBytes(16).toString('hex'),
            },
            (text) => sign(text, opts.key.privateKeyPem),
          ),
        }),
      reconnectionDelay: 500,
      reconnectionDelayMax: 10_000,
      randomizationFactor: 0.5,
      autoConnect: false,
    });
    this.socket.on('connect', () => {
      this.emit('connection', true);
      void this.refresh().catch(() => {});
    });
    this.socket.on('disconnect', () => this.emit('connection', false));
    void this.calibrateThenConnect(opts.serverUrl);
    this.onPush('room:snapshot', (s) => {
      this.state.applySnapshot(s);
      this.emit('change');
    });
    this.onPush('room:tiles', ({ serverNow, tiles }) => {
      this.state.applyTiles(serverNow, tiles);
      this.emit('change');
    });
    this.onPush('room:machines', ({ machines }) => {
      this.state.applyMachines(machines);
      this.emit('change');
    });
    this.onPush('room:alert', (alert) => {
      this.state.applyAlert(alert);
      this.emit('alert', alert);
      this.emit('change');
    });
    this.onPush('room:noticeAck', (ack) => this.emit('noticeAck', ack));
    // Pushed straight after the server's commit; stored before anything else sees them.
    // A malformed entry arrives as null: the replica skips and reports it, keeps the rest.
    this.onPush('room:answers', ({ changes }) => {
      try {
        this.replica?.applyChanges(changes);
      } catch (e) {
        this.emit('replicaError', e as Error);
      }
    });
    this.on('change', () => this.replica?.noteRoomState(this.state));
  }

  /**
   * The sign-in statement carries the server's time, not this machine's: the console asks
   * the server first (keys are time-calibrated to the site), then follows every message.
   */
  private calibration: number | null = null;

  private serverTime(): number {
    if (this.state.ready) return Math.floor(this.state.serverNow());
    return Math.floor(this.calibration === null ? Date.now() : performance.now() + this.calibration);
  }

  private async calibrateThenConnect(serverUrl: string): Promise<void> {
    try {
      const sentAt = performance.now();
      const res = await fetch(`${serverUrl}/api/health`);
      const body = (await res.json()) as { serverNow?: unknown };
      const receivedAt = performance.now();
      if (typeof body.serverNow === 'number') this.calibration = body.serverNow - (sentAt + receivedAt) / 2;
    } catch {
      // Unreachable for now: connect anyway; socket.io keeps retrying with backoff.
    }
    this.socket.connect();
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Resolves once connected and holding a snapshot; rejects on a refused handshake. */
  ready(timeoutMs = 10_000): Promise<void> {
    if (this.state.ready && this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('proctor console could not reach the site server')),
        timeoutMs,
      );
      const onChange = () => {
        clearTimeout(timer);
        this.socket.off('connect_error', onError);
        resolve();
      };
      const onError = (e: Error & { data?: { code?: string } }) => {
        if (e.data?.code) {
          clearTimeout(timer);
          this.off('change', onChange);
          reject(new ProctorCommandError(e.data.code, e.message));
        }
      };
      this.once('change', onChange);
      this.socket.on('connect_error', onError);
    });
  }

  async refresh(): Promise<void> {
    const snapshot = await this.command('room:subscribe', {});
    this.state.applySnapshot(snapshot);
    this.emit('change');
    await this.pullReplica().catch(() => {});
  }

  /**
   * Fetches every committed change the replica misses. Pushes are at-most-once (§11), so
   * this runs after every (re)connect and start-up; returns how many changes were new.
   */
  async pullReplica(): Promise<number> {
    const replica = this.replica;
    const room = this.state.room;
    if (!replica || !room) return 0;
    try {
      return await replica.pull(
        room.sittings.map((s) => s.sittingId),
        async (sittingId, have) => (await this.command('replica:pull', { sittingId, have })).changes,
      );
    } catch (e) {
      this.emit('replicaError', e as Error);
      throw e;
    }
  }

  openLogin(sittingId: string): Promise<{ loginOpenedAt: number }> {
    return this.command('login:open', { sittingId });
  }

  start(sittingId: string, opts: { reason?: string; code?: string } = {}): Promise<StartResult> {
    return this.command('sitting:start', { sittingId, ...opts });
  }

  end(sittingId: string): Promise<EndResult> {
    return this.command('sitting:end', { sittingId });
  }

  checklist(sittingId: string): Promise<EndChecklist> {
    return this.command('sitting:checklist', { sittingId });
  }

  reset(sittingId: string, ticketNo: string, reason: string): Promise<{ resetAt: number }> {
    return this.command('candidate:reset', { sittingId, ticketNo, reason });
  }

  extend(req: ExtendRequest): Promise<ExtendResult> {
    return this.command('candidate:extend', req);
  }

  setAbsent(sittingId: string, ticketNo: string, absent: boolean): Promise<{ status: string }> {
    return this.command('candidate:absent', { sittingId, ticketNo, absent });
  }

  recordViolation(req: ViolationRequest): Promise<{ violationId: number }> {
    return this.command('violation:record', req);
  }

  sendNotice(
    sittingId: string,
    text: string,
    ticketNo?: string,
  ): Promise<{ noticeId: number; recipients: number }> {
    return this.command('notice:send', ticketNo ? { sittingId, ticketNo, text } : { sittingId, text });
  }

  /** Photo, masked ID and audit trail, for the identity check and the candidate's history. */
  candidateDetail(sittingId: string, ticketNo: string): Promise<CandidateDetail> {
    return this.command('candidate:detail', { sittingId, ticketNo });
  }

  /** The room report (考场情况记录单) as the site prints it, after the end. */
  roomReport(sittingId: string): Promise<{ fileName: string; pdfBase64: string }> {
    return this.command('report:room', { sittingId });
  }

  close(): void {
    this.socket.disconnect();
    this.removeAllListeners();
    this.replica?.close();
  }

  /** Every command goes through the contract: typed request, parsed reply, one error class. */
  private command<E extends ProctorEvent>(
    event: E,
    payload: RequestOf<ProctorContract, E>,
  ): Promise<ParsedReplyOf<ProctorContract, E>> {
    return requestWithAck(proctorContract, this.socket, event, payload, {
      timeoutMs: this.ackTimeoutMs,
      makeError: (code, message, details) => new ProctorCommandError(code, message, details),
    });
  }

  /** Every push is parsed by the contract; a malformed one is reported and never applied. */
  private onPush<E extends PushName<ProctorContract>>(
    event: E,
    apply: (payload: ParsedPushOf<ProctorContract, E>) => void,
  ): void {
    onPush(proctorContract, this.socket, event, apply, (e, issues) => {
      // Logged here when no one listens: a dropped push must leave a trace somewhere.
      if (!this.emit('malformedPush', e, issues)) console.warn(`malformed ${e} push dropped`, issues);
    });
  }
}
