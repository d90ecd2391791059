import { EventEmitter } from 'node:events';
import {
  isServerIdentityFailure,
  SERVER_IDENTITY,
  sign,
  siteTlsClientOptions,
  TlsBindingAgent,
} from '@exam/crypto';
import { PROCTOR_SIGN_IN } from '@exam/domain';
import {
  buildSignIn,
  type CandidateDetail,
  CLIENT_ERROR_CODES,
  type EndChecklist,
  type EndResult,
  type ExtendRequest,
  type ExtendResult,
  NAMESPACES,
  type NoticeAcknowledged,
  onPush,
  type ParsedPushOf,
  type ParsedReplyOf,
  PROCTOR_SIGN_IN_EXPORTER_LABEL,
  PROTOCOL_VERSION,
  type ProctorContract,
  type ProctorEvent,
  type PushName,
  proctorContract,
  type RequestOf,
  type RoomAlert,
  requestWithAck,
  type StandaloneCancelRequest,
  type StandaloneExportRequest,
  type StandaloneRegisterRequest,
  type StartResult,
  type TransferOutcome,
  type ViolationRequest,
} from '@exam/protocol';
import { io, type Socket } from 'socket.io-client';
import { RoomReplica } from './replica.js';
import { RoomState } from './roomState.js';

export interface ProctorCoreOptions {
  /** `https://host:port`: the site server speaks TLS only. */
  serverUrl: string;
  /** The site this console belongs to: a server certificate naming another site is refused. */
  siteId: string;
  /**
   * The centre root (PEM): the only certificate authority the console trusts for the server
   * (never the system store). A server it cannot verify is refused with SERVER_IDENTITY.
   */
  centreRootPem: string;
  roomId: string;
  /** The proctor key (监考锁) from its PKCS#12 file; the private key stays in memory. */
  key: { certPem: string; privateKeyPem: string };
  monotonicNow?: () => number;
  ackTimeoutMs?: number;
  /** The room replica's SQLite file (issue 4, item 11); no replica when absent. */
  replicaPath?: string;
  /** How often a signed-in console re-reads the server's clock (PROCTOR_SIGN_IN by default). */
  timeSyncEveryMs?: number;
}

/** socket.io's longest wait between reconnection attempts; also the retry after a refusal. */
const RECONNECT_DELAY_MAX_MS = 10_000;
const CLIENT_CODES: ReadonlySet<string> = new Set(Object.values(CLIENT_ERROR_CODES));

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
  /** The server refused this console's sign-in (it closes the connection). */
  signInRefused: [ProctorCommandError];
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
  private readonly agent: TlsBindingAgent | null;
  private readonly monotonicNow: () => number;
  private signedIn = false;
  private everSignedIn = false;
  private closed = false;
  private timeSync: ReturnType<typeof setInterval> | null = null;

  constructor(opts: ProctorCoreOptions) {
    super();
    this.monotonicNow = opts.monotonicNow ?? (() => performance.now());
    this.state = new RoomState(this.monotonicNow);
    this.ackTimeoutMs = opts.ackTimeoutMs ?? 10_000;
    this.replica = opts.replicaPath
      ? RoomReplica.open(opts.replicaPath, {
          roomId: opts.roomId,
          onError: (e) => this.emit('replicaError', e),
        })
      : null;
    // The TLS socket under the websocket, so the sign-in can name this connection's binding.
    this.agent = opts.serverUrl.startsWith('https:') ? new TlsBindingAgent() : null;
    this.socket = io(`${opts.serverUrl}${NAMESPACES.proctor}`, {
      ...siteTlsClientOptions({ centreRootPem: opts.centreRootPem, siteId: opts.siteId }),
      transports: ['websocket'],
      // engine.io-client types `agent` as string | boolean, but hands it to `ws` as its agent.
      ...(this.agent ? { agent: this.agent as unknown as string } : {}),
      auth: { protocolVersion: PROTOCOL_VERSION },
      reconnectionDelay: 500,
      reconnectionDelayMax: RECONNECT_DELAY_MAX_MS,
      randomizationFactor: 0.5,
      autoConnect: false,
    });
    // Connected is not signed in: the console signs in inside every new connection, and
    // counts as connected only once the server has accepted it.
    this.socket.on('connect', () => void this.signIn(opts));
    this.socket.on('disconnect', () => {
      this.signedIn = false;
      this.stopTimeSync();
      this.emit('connection', false);
    });
    this.socket.connect();
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
    this.onPush('room:joinRequests', ({ requests }) => {
      this.state.applyJoinRequests(requests);
      this.emit('change');
    });
    this.onPush('room:transfers', ({ transfers }) => {
      this.state.applyTransfers(transfers);
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
   * Signs in on this connection (issue 16): a fresh challenge from the server, signed with
   * this site, room and the connection's TLS binding. Nothing here depends on either clock.
   * The reply carries the server's time: the displayed clock recalibrates on every connection,
   * and then every `timeSyncEveryMs`, so a correction of the server's clock is followed.
   */
  private async signIn(opts: ProctorCoreOptions): Promise<void> {
    try {
      const { challenge } = await this.command('proctor:challenge', {});
      const tlsBinding = this.agent?.binding(PROCTOR_SIGN_IN_EXPORTER_LABEL) ?? '';
      const request = buildSignIn(
        { certPem: opts.key.certPem, siteId: opts.siteId, roomId: opts.roomId, challenge, tlsBinding },
        (text) => sign(text, opts.key.privateKeyPem),
      );
      const sentAt = this.monotonicNow();
      const signedIn = await this.command('proctor:signIn', request);
      this.state.applyServerNow(signedIn.serverNow, (sentAt + this.monotonicNow()) / 2);
      this.signedIn = true;
      this.everSignedIn = true;
      this.startTimeSync(opts.timeSyncEveryMs ?? PROCTOR_SIGN_IN.consoleTimeSyncEveryMs);
      this.emit('connection', true);
      await this.refresh().catch(() => {});
    } catch (e) {
      // Offline or no answer: socket.io reconnects, and this runs again on the next connect.
      if (!(e instanceof ProctorCommandError) || CLIENT_CODES.has(e.code)) return;
      // The server refused and closes the connection. A console that was signed in before
      // tries again later (a key is not unregistered mid-exam; a restart or a clock step is
      // what happened); one that never was reports it (ready() rejects) and stops.
      this.emit('signInRefused', e);
      if (this.everSignedIn) {
        setTimeout(() => {
          if (!this.closed && !this.socket.connected) this.socket.connect();
        }, RECONNECT_DELAY_MAX_MS).unref?.();
      }
    }
  }

  private startTimeSync(everyMs: number): void {
    this.stopTimeSync();
    this.timeSync = setInterval(() => void this.syncTime().catch(() => {}), everyMs);
    this.timeSync.unref?.();
  }

  private stopTimeSync(): void {
    if (this.timeSync) clearInterval(this.timeSync);
    this.timeSync = null;
  }

  /** Re-reads the server's clock; the midpoint of the round trip is when it was read. */
  async syncTime(): Promise<void> {
    const sentAt = this.monotonicNow();
    const { serverNow } = await this.command('proctor:syncTime', {});
    this.state.applyServerNow(serverNow, (sentAt + this.monotonicNow()) / 2);
    this.emit('change');
  }

  /** Connected and signed in. */
  get connected(): boolean {
    return this.socket.connected && this.signedIn;
  }

  /** Resolves once connected and holding a snapshot; rejects on a refused handshake. */
  ready(timeoutMs = 10_000): Promise<void> {
    if (this.state.ready && this.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.off('change', onChange);
        this.off('signInRefused', onRefused);
        this.socket.off('connect_error', onError);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error('proctor console could not reach the site server'));
      }, timeoutMs);
      const onChange = () => {
        if (!this.state.ready) return;
        done();
        resolve();
      };
      // A refused handshake (protocol version) or a refused sign-in (key, room, statement).
      const onError = (e: Error & { data?: { code?: string } }) => {
        if (isServerIdentityFailure(e)) {
          // Nothing was signed or sent to that server; socket.io retries with the same check.
          done();
          reject(
            new ProctorCommandError(
              SERVER_IDENTITY,
              'The site server could not prove it is this site’s server.',
            ),
          );
          return;
        }
        if (!e.data?.code) return;
        done();
        reject(new ProctorCommandError(e.data.code, e.message));
      };
      const onRefused = (e: ProctorCommandError) => {
        done();
        reject(e);
      };
      this.on('change', onChange);
      this.on('signInRefused', onRefused);
      this.socket.on('connect_error', onError);
    });
  }

  async refresh(): Promise<void> {
    const snapshot = await this.command('room:subscribe', {});
    this.state.applySnapshot(snapshot);
    this.emit('change');
    // Pushes are at-most-once (§11): the transfers are re-read with every snapshot.
    await this.openTransfers().catch(() => {});
    await this.pullReplica().catch(() => {});
  }

  /** The site's open transfers and this room's own (issue 19), kept in the room state. */
  async openTransfers() {
    const { transfers } = await this.command('proctor:open-transfers', {});
    this.state.applyTransfers(transfers);
    this.emit('change');
    return { transfers };
  }

  /** A random free approved seat for an arriving candidate; `exclude`: seats just declined. */
  drawSeat(ticketNo: string, exclude?: number[]) {
    return this.command('proctor:draw-seat', exclude?.length ? { ticketNo, exclude } : { ticketNo });
  }

  /** Reserves the drawn seat: the candidate may log in there only, and no one else may. */
  assignSeat(ticketNo: string, seatNo: number) {
    return this.command('proctor:assign-seat', { ticketNo, seatNo });
  }

  transferOut(ticketNo: string, reason: string) {
    return this.command('proctor:transfer-out', { ticketNo, reason });
  }

  transferIn(transferId: number) {
    return this.command('proctor:transfer-in', { transferId });
  }

  resolveTransfer(transferId: number, outcome: TransferOutcome, note: string) {
    return this.command('proctor:resolve-transfer', { transferId, outcome, note });
  }

  /** The room's part of the transfer report (应试人员跨考场调动单) as the site prints it. */
  transferReport(sittingId: string): Promise<{ fileName: string; pdfBase64: string }> {
    return this.command('report:transfers', { sittingId });
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

  /**
   * Approves a machine that asked to join (issue 16) for a seat of this room. The seat's
   * earlier machine, if any, is retired by the site (a spare replacing it) and named in the reply.
   */
  approveMachine(
    fingerprint: string,
    seatNo: number,
  ): Promise<{ approvedAt: number; retiredFingerprint: string | null }> {
    return this.command('machine:approve', { fingerprint, seatNo });
  }

  /** Drops a machine's join request; the machine is told and may ask again. */
  refuseMachine(fingerprint: string): Promise<{ refusedAt: number }> {
    return this.command('machine:refuse', { fingerprint });
  }

  /** The room report (考场情况记录单) as the site prints it, after the end. */
  roomReport(sittingId: string): Promise<{ fileName: string; pdfBase64: string }> {
    return this.command('report:room', { sittingId });
  }

  /** A fresh single-use challenge the chief examiner's consent must name (issue 17). */
  standaloneChallenge(): Promise<{ challenge: string; expiresAt: string }> {
    return this.command('standalone:challenge', {});
  }

  /** The site's approved machines a standalone package can be made for. */
  standaloneMachines() {
    return this.command('standalone:machines', {});
  }

  /** The site builds and signs the package; its file and the authorization code come back once. */
  standaloneExport(req: StandaloneExportRequest) {
    return this.command('standalone:export', req);
  }

  standaloneCancel(req: StandaloneCancelRequest) {
    return this.command('standalone:cancel', req);
  }

  /** Hands an answer file to the site, which verifies and merges it. */
  standaloneCollect(fileBase64: string) {
    return this.command('standalone:collect', { fileBase64 });
  }

  /** What this console holds to build a package from its replica if the site goes down. */
  standaloneOfflineKit() {
    return this.command('standalone:offlineKit', {});
  }

  /** Registers a package this console built from its replica while the site was down. */
  standaloneRegister(req: StandaloneRegisterRequest) {
    return this.command('standalone:register', req);
  }

  /** The room's standalone packages. */
  standaloneList() {
    return this.command('standalone:list', {});
  }

  /** Whom the room's backup is sealed for (issue 18): the exam's province and the centre root. */
  backupRecipients() {
    return this.command('backup:recipients', {});
  }

  /** Deposits a sealed backup with the site; the reply carries the hash of what it stored. */
  depositBackup(fileBase64: string) {
    return this.command('backup:deposit', { fileBase64 });
  }

  close(): void {
    this.closed = true;
    this.stopTimeSync();
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
