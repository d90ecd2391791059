import { dirname } from 'node:path';
import {
  type AnswerValue,
  answerFitsItem,
  answerValueSchema,
  type CandidateProfile,
  type ClientAlert,
  clientAlertSchema,
  ERROR_CODES,
  type HandedIn,
  type Item,
  type LoginResult,
  loginSchema,
  type MachineApproved,
  type MachineCheck,
  type MachineStatus,
  machineCheckSchema,
  machineJoinSchema,
  type Notice,
  type Paper,
  type SittingView,
} from '@exam/protocol';
import { AnswerSender } from './answerSender.js';
import { SittingClock, systemMonotonic } from './clock.js';
import {
  type CandidateCoreOptions,
  type CoreEvents,
  type CorePhase,
  type CoreStatus,
  type MachineAdmission,
  phaseOf,
  type RetireReason,
} from './coreTypes.js';
import { TypedEmitter } from './emitter.js';
import { asCoreError, CoreError, LOCAL_ERROR_CODES } from './errors.js';
import type {
  CurrentAnswer,
  JournalChange,
  RetiredSession,
  SittingRef,
  StoredSession,
} from './journal/types.js';
import { AnswerJournal } from './journal.js';
import { type CoreLogger, silentLogger } from './logger.js';
import { loadOrCreateMachineKey, type MachineKey, machineKeyPathIn } from './machineKey.js';
import { NoticeBox } from './noticeBox.js';
import { openPaper } from './openPaper.js';
import type { SessionSource } from './sessionSource.js';
import { SocketSessionSource } from './socketSessionSource.js';

const DEFAULTS = Object.freeze({ ackTimeoutMs: 8_000, drainTimeoutMs: 30_000, tickMs: 1_000 } as const);

/**
 * The candidate client's core: the answer journal, the sitting clock and the session from
 * its source (the site server over socket.io, or any SessionSource), with no Electron in it. An answer is journalled (fsync'd) before it is
 * sent and re-sent until acknowledged; a restart on the same journal resumes the session.
 */
export class CandidateCore {
  private readonly journal: AnswerJournal;
  private readonly clock: SittingClock;
  private readonly source: SessionSource;
  private readonly events: TypedEmitter<CoreEvents>;
  private readonly sender: AnswerSender;
  private readonly log: CoreLogger;
  private readonly drainTimeoutMs: number;
  private readonly ticker: NodeJS.Timeout;
  private readonly machineKey: MachineKey;

  private session: StoredSession | null;
  private openedPaper: { paper: Paper; items: Map<string, Item> } | null = null;
  /** The sitting key: in memory only, never written or logged (ARCHITECTURE §3). */
  private sittingKey: Buffer | null = null;
  private revoked = false;
  /** The sitting this machine was released from by a reset: locked while it runs here. */
  private revokedFrom: string | null = null;
  /** The room's sittings taking logins, as the server last said (register or push). */
  private loginOpen: readonly string[] = [];
  private roomDisplayName: string | null = null;
  /** Where this machine stands with the site; kept across outages, renewed at each proof. */
  private admission: MachineAdmission;
  /** Proved its key on the current connection (approved or not). */
  private linked = false;
  /** The connection whose set-up (time, resume) has begun, so a late approval push does not repeat it. */
  private settingUp = -1;
  /** Proved, approved (and resumed, with a session) on the current connection. */
  private ready = false;
  /** Bumped per connection so a flow from a dropped connection cannot apply late. */
  private generation = 0;
  private lastSyncAt: number | null = null;
  /** The hand-in as the server reported it; the SittingView carries the time but not the kind. */
  private handedIn: HandedIn | null = null;
  /** The server refused to resume this session for answering: handed in or over (issue 16). */
  private closedByServer = false;
  private lastPhase: CorePhase;
  private closed = false;
  /** The last connect attempt reached a server that could not prove it is this site's. */
  private serverIdentityRefused = false;
  private paperRefused = false;
  private readonly noticeBox = new NoticeBox();

  constructor(private readonly opts: CandidateCoreOptions) {
    this.log = opts.logger ?? silentLogger;
    // First, so a damaged key file stops the start before anything else is opened.
    this.machineKey =
      opts.machineKey ??
      loadOrCreateMachineKey(opts.machineKeyPath ?? machineKeyPathIn(dirname(opts.journalPath)));
    this.admission = {
      stage: 'unproven',
      fingerprint: this.machineKey.fingerprint,
      roomId: null,
      seatNo: null,
    };
    this.drainTimeoutMs = opts.drainTimeoutMs ?? DEFAULTS.drainTimeoutMs;
    this.clock = new SittingClock(opts.monotonicNow ?? systemMonotonic);
    this.journal = AnswerJournal.open(opts.journalPath, { now: () => Math.floor(this.serverTimeOr(0)) });
    this.events = new TypedEmitter((event, error) =>
      this.log.error({ event, err: error }, 'listener failed'),
    );
    this.session = this.journal.loadSession();
    if (this.session) this.clock.setTiming(this.session.sitting);
    this.lastPhase = this.phase();

    this.source = opts.source
      ? opts.source
      : new SocketSessionSource({
          serverUrl: opts.serverUrl,
          trust: opts.trust,
          ackTimeoutMs: opts.ackTimeoutMs ?? DEFAULTS.ackTimeoutMs,
          backoff: opts.backoff,
        });
    const origin = this.source.origin;
    this.sender = new AnswerSender({
      journal: this.journal,
      target: () => this.ref(),
      ready: () => this.ready,
      send: (sittingId, changes) => {
        // Handed in or over while away (the server refused the resume): what the journal
        // still holds goes under the session's token, as a retired session's would.
        const session = this.session;
        if (this.closedByServer && session) {
          return this.source.request('answer:deliver', {
            sessionToken: session.sessionToken,
            sittingId,
            changes,
          });
        }
        return this.source.request('answer:save', { sittingId, changes });
      },
      onAcked: () => {
        this.lastSyncAt = this.serverTimeOr(null);
        this.changed();
      },
      onFailed: (e) => {
        const err = asCoreError(e);
        this.log.warn({ code: err.code, msg: err.message }, 'answer save not acknowledged; will retry');
      },
      // A retired session's token is good only on the server that issued it.
      leftovers: () => this.journal.retiredSessions().filter((r) => r.serverUrl === origin),
      deliver: (retired, changes) =>
        this.source.request('answer:deliver', {
          sessionToken: retired.sessionToken,
          sittingId: retired.sittingId,
          changes,
        }),
      onDelivered: (retired, ackSeq) => this.onDelivered(retired, ackSeq),
      retry: opts.backoff,
    });
    this.listen();
    this.ticker = setInterval(() => this.tick(), opts.tickMs ?? DEFAULTS.tickMs);
    this.ticker.unref();
    this.source.connect();
  }

  on<K extends keyof CoreEvents>(event: K, fn: (...args: CoreEvents[K]) => void): () => void {
    return this.events.on(event, fn);
  }

  off<K extends keyof CoreEvents>(event: K, fn: (...args: CoreEvents[K]) => void): void {
    this.events.off(event, fn);
  }

  status(): CoreStatus {
    const ref = this.ref();
    const live = ref !== null && !this.closed;
    return {
      connected: this.ready,
      linked: this.linked,
      serverIdentityRefused: this.serverIdentityRefused,
      paperRefused: this.paperRefused,
      machine: { ...this.admission },
      phase: this.phase(),
      pending: live ? this.journal.pendingCount(ref) : 0,
      ackSeq: live ? this.journal.ackSeq(ref) : 0,
      remainingMs: this.clock.remainingMs(),
      handedIn: this.session?.sitting.handedInAt != null,
      lastSyncAt: this.lastSyncAt,
      undelivered: this.closed ? 0 : this.journal.retiredPendingCount(),
    };
  }

  /**
   * Asks the site to seat this machine (issue 16): the room's proctor sees the request with
   * this machine's fingerprint and approves or refuses it. Needs a proved connection; a new
   * request replaces this machine's older one.
   */
  async join(roomId: string, seatNo: number): Promise<MachineAdmission> {
    const parsed = machineJoinSchema.safeParse({ roomId, seatNo });
    if (!parsed.success) throw new CoreError(ERROR_CODES.INVALID_MESSAGE, 'The room or seat is malformed.');
    if (this.closed) throw new CoreError(LOCAL_ERROR_CODES.CLOSED, 'The candidate core was closed.');
    if (!this.linked) throw new CoreError(LOCAL_ERROR_CODES.OFFLINE, 'Not connected to the site server.');
    if (this.admission.stage === 'approved') {
      throw new CoreError(ERROR_CODES.NOT_ALLOWED_NOW, 'This machine is already approved for a seat.');
    }
    const generation = this.generation;
    const pending = await this.source.request('machine:join', parsed.data);
    if (generation === this.generation) this.applyAdmission(pending);
    return { ...this.admission };
  }

  /** The room's sittings whose login is open (and not ended), as the server last said. */
  roomLoginOpen(): readonly string[] {
    return this.loginOpen;
  }

  /** The room's name as the server gave it at approval (e.g. 第01考场); null before. */
  roomName(): string | null {
    return this.roomDisplayName;
  }

  candidate(): CandidateProfile | null {
    return this.session?.profile ?? null;
  }

  sitting(): SittingView | null {
    return this.session?.sitting ?? null;
  }

  /** The opened paper, or null until the start command brings the key. */
  paper(): Paper | null {
    return this.openedPaper?.paper ?? null;
  }

  /** Latest value and flag per item as journalled here (acked or not). */
  answers(): CurrentAnswer[] {
    const ref = this.ref();
    return ref && !this.closed ? this.journal.currentAnswers(ref) : [];
  }

  /** Server time as this machine estimates it, or null before the first sample. */
  serverNow(): number | null {
    return this.serverTimeOr(null);
  }

  /**
   * Sends the machine's self-check; the server answers with the shortfalls against the
   * notice's minimums. Needs a connection: the caller sends it again after a reconnect.
   */
  async reportMachineCheck(check: MachineCheck): Promise<{ shortfalls: string[] }> {
    const parsed = machineCheckSchema.safeParse(check);
    if (!parsed.success) throw new CoreError(ERROR_CODES.INVALID_MESSAGE, 'The machine check is malformed.');
    this.requireReady();
    return this.source.request('machine:check', parsed.data);
  }

  /** Reports what a person should judge (focus lost, a display added…); never a violation. */
  async reportAlert(alert: ClientAlert): Promise<{ id: number }> {
    const parsed = clientAlertSchema.safeParse(alert);
    if (!parsed.success) throw new CoreError(ERROR_CODES.INVALID_MESSAGE, 'The alert is malformed.');
    this.requireReady();
    return this.source.request('client:alert', parsed.data);
  }

  /** The proctor's notices still on screen, oldest first. */
  notices(): Notice[] {
    return this.noticeBox.list();
  }

  /**
   * The candidate dismissed a notice ("知道了"). It leaves the screen now; the acknowledgement
   * goes to the server now or, offline, after the next resume.
   */
  acknowledgeNotice(noticeId: number): void {
    if (!this.noticeBox.dismiss(noticeId)) return;
    this.events.emit('notices', this.noticeBox.list());
    void this.sendNoticeAcks();
  }

  /** A hint for enabling the button; the server has the final word (TOO_EARLY). */
  canHandIn(): boolean {
    return this.clock.canHandIn();
  }

  async login(
    ticketNo: string,
    idNumber: string,
  ): Promise<{ candidate: CandidateProfile; sitting: SittingView }> {
    const req = loginSchema.safeParse({ ticketNo, idNumber });
    if (!req.success)
      throw new CoreError(ERROR_CODES.INVALID_MESSAGE, 'Ticket number or ID number is malformed.');
    this.requireReady();
    const sentAt = this.monotonic();
    const result = await this.source.request('candidate:login', req.data);
    this.applyLoginResult(result, sentAt);
    return { candidate: result.candidate, sitting: result.sitting };
  }

  /**
   * Journals the change (fsync'd) and returns; sending happens behind it. The returned
   * change is durable here, not yet acknowledged by the server.
   */
  saveAnswer(itemId: string, value: AnswerValue, flagged = false): JournalChange {
    const ref = this.ref();
    if (this.closed) throw new CoreError(LOCAL_ERROR_CODES.CLOSED, 'The candidate core was closed.');
    if (!ref || !this.session) throw new CoreError(ERROR_CODES.NOT_LOGGED_IN, 'Log in first.');
    if (this.session.sitting.handedInAt !== null) {
      throw new CoreError(ERROR_CODES.ALREADY_HANDED_IN, 'This paper has been handed in.');
    }
    if (!this.openedPaper)
      throw new CoreError(ERROR_CODES.SITTING_NOT_STARTED, 'The sitting has not started.');
    if (this.clock.isTimeUp()) throw new CoreError(ERROR_CODES.SITTING_ENDED, 'Time is up.');
    const item = this.openedPaper.items.get(itemId);
    if (!item) throw new CoreError(ERROR_CODES.UNKNOWN_ITEM, `Item ${itemId} is not in this paper.`);
    const parsed = answerValueSchema.safeParse(value);
    if (!parsed.success || !answerFitsItem(item, parsed.data)) {
      throw new CoreError(ERROR_CODES.INVALID_MESSAGE, `The answer does not fit item ${itemId}.`);
    }
    const change = this.journal.append(ref, itemId, parsed.data, flagged);
    this.sender.kick();
    this.changed();
    return change;
  }

  /**
   * Hands in. The backlog is drained first, so no answer made on this machine is left
   * behind the hand-in. A refusal before the earliest time rejects with code TOO_EARLY
   * and `earliestAt` (server time).
   */
  async handIn(): Promise<HandedIn> {
    const session = this.session;
    if (!session) throw new CoreError(ERROR_CODES.NOT_LOGGED_IN, 'Log in first.');
    const at = session.sitting.handedInAt;
    if (at !== null) return this.handedIn ?? { sittingId: session.sittingId, handedInAt: at, kind: 'manual' };
    this.requireReady();
    await this.sender.drained(this.drainTimeoutMs);
    const result = await this.source.request('exam:handIn', { sittingId: session.sittingId });
    this.markHandedIn(result);
    return result;
  }

  /**
   * "完成" on the end screen: the machine returns to its login screen for the next sitting.
   * Only once the server has the hand-in (or the sitting has ended): before that the
   * candidate's session is still live. Changes the server has not acknowledged stay in the
   * journal and are delivered under this session's token, whoever logs in next.
   */
  finish(): void {
    if (this.closed) throw new CoreError(LOCAL_ERROR_CODES.CLOSED, 'The candidate core was closed.');
    const sitting = this.session?.sitting;
    if (!sitting) return;
    if (sitting.handedInAt === null && sitting.phase !== 'ended') {
      throw new CoreError(ERROR_CODES.NOT_ALLOWED_NOW, 'The paper has not been handed in yet.');
    }
    this.retire('done');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.generation++;
    this.ready = false;
    clearInterval(this.ticker);
    this.sender.stop();
    this.source.disconnect();
    this.forgetPaper();
    this.journal.close();
    this.events.clear();
  }

  private listen(): void {
    const s = this.source;
    s.on('connect', () => {
      this.serverIdentityRefused = false;
      void this.onConnect();
    });
    s.on('disconnect', (reason) => {
      this.generation++;
      this.ready = false;
      this.linked = false;
      this.sender.failWaiters(
        new CoreError(LOCAL_ERROR_CODES.OFFLINE, 'The connection to the site server dropped.'),
      );
      this.log.info({ reason }, 'disconnected');
      this.events.emit('connection', { connected: false });
      this.changed();
      // The source reconnects by itself unless the core dropped the connection.
    });
    s.on('connectError', (code, message) => {
      this.log.warn({ code, msg: message }, 'connect failed');
      if (code === ERROR_CODES.PROTOCOL_VERSION) {
        this.events.emit('problem', new CoreError(ERROR_CODES.PROTOCOL_VERSION, message));
      }
      // Nothing was sent to that server; the source retries with the same check, and the
      // journal keeps every answer until the real server acknowledges it.
      const refused = code === LOCAL_ERROR_CODES.SERVER_IDENTITY;
      if (refused) this.events.emit('problem', new CoreError(LOCAL_ERROR_CODES.SERVER_IDENTITY, message));
      if (refused !== this.serverIdentityRefused) {
        this.serverIdentityRefused = refused;
        this.changed();
      }
    });
    // Every push is parsed by the contract; a malformed one is logged and never applied.
    const malformed = (event: string, issues: string[]) =>
      this.log.warn({ event, issues }, 'malformed push dropped');
    s.onPush('sitting:state', (view) => this.applyView(view), malformed);
    s.onPush(
      'sitting:started',
      (started) => {
        if (started.sitting.sittingId !== this.session?.sittingId) return;
        this.applyView(started.sitting);
        if (!this.openedPaper) this.openWithKey(started.sittingKey);
      },
      malformed,
    );
    s.onPush('exam:handedIn', (handedIn) => this.markHandedIn(handedIn), malformed);
    s.onPush(
      'notice',
      (n) => {
        if (this.session && this.noticeBox.receive(n)) this.events.emit('notices', this.noticeBox.list());
      },
      malformed,
    );
    s.onPush('session:revoked', (p) => this.revoke(p.reason), malformed);
    // A newer login of this candidate took over (issue 16): this machine saves no more and
    // keeps its unsent changes on disk, as after a reset.
    s.onPush(
      'session:replaced',
      (p) => {
        if (this.session?.sittingId === p.sittingId) this.revoke(ERROR_CODES.SESSION_REPLACED);
      },
      malformed,
    );
    s.onPush('machine:approved', (approved) => void this.onApproved(approved), malformed);
    s.onPush(
      'machine:refused',
      () => {
        // Refused, or the seat's binding moved to another machine: nothing but a new request.
        this.log.warn({ fingerprint: this.admission.fingerprint }, 'machine refused by the site');
        this.ready = false;
        this.admission = { ...this.admission, stage: 'refused', roomId: null, seatNo: null };
        this.changed();
      },
      malformed,
    );
    s.onPush(
      'room:loginOpen',
      (p) => {
        this.loginOpen = p.sittingIds;
        this.maybeUnlock();
      },
      malformed,
    );
  }

  /**
   * Every (re)connect: prove this machine's key first (issue 16), before anything else; an
   * approved machine then re-syncs time, resumes and sends the backlog. One waiting for its
   * proctor stays connected and goes on when `machine:approved` arrives on this connection.
   */
  private async onConnect(): Promise<void> {
    const generation = ++this.generation;
    this.ready = false;
    this.linked = false;
    let status: MachineStatus;
    try {
      const { challenge, siteId } = await this.source.request('machine:hello', {
        publicKey: this.machineKey.publicKey,
        clientVersion: this.opts.clientVersion,
      });
      if (generation !== this.generation) return;
      status = await this.source.request('machine:prove', {
        signature: this.machineKey.prove(siteId, challenge),
      });
    } catch (e) {
      this.setUpFailed(generation, e);
      return;
    }
    if (generation !== this.generation || this.closed) return;
    this.linked = true;
    this.applyAdmission(status);
    if (status.status === 'approved') {
      await this.setUp(generation, status);
      return;
    }
    // Connected and heard: the next outage starts again from short delays.
    this.source.established();
    this.log.info(
      { stage: this.admission.stage, fingerprint: this.admission.fingerprint },
      'machine not approved',
    );
    this.changed();
  }

  /** The proctor approved this machine while it waited on this connection. */
  private async onApproved(approved: MachineApproved): Promise<void> {
    if (!this.linked || this.closed) return;
    this.roomDisplayName = approved.roomName;
    this.loginOpen = approved.loginOpen;
    this.maybeUnlock();
    this.applyAdmission({ status: 'approved', ...approved, fingerprint: this.admission.fingerprint });
    // Already set up (or setting up) on this connection: the push only refreshed the room.
    if (this.ready || this.settingUp === this.generation) return;
    this.log.info({ roomId: approved.roomId, seatNo: approved.seatNo }, 'machine approved');
    await this.setUp(this.generation, approved);
  }

  /** On an approved connection: the binding's room, re-sync time, resume, send the backlog. */
  private async setUp(generation: number, approved: MachineApproved): Promise<void> {
    this.settingUp = generation;
    this.roomDisplayName = approved.roomName;
    this.loginOpen = approved.loginOpen;
    this.maybeUnlock();
    try {
      const syncSentAt = this.monotonic();
      const { serverNow } = await this.source.request('time:sync', {});
      if (generation !== this.generation) return;
      this.clock.sync(serverNow, syncSentAt);
      if (this.session) {
        const sentAt = this.monotonic();
        const result = await this.source.request('candidate:resume', {
          sessionToken: this.session.sessionToken,
        });
        if (generation !== this.generation) return;
        this.applyLoginResult(result, sentAt);
      }
    } catch (e) {
      if (generation !== this.generation || this.closed) return;
      const err = asCoreError(e);
      if (err.code === ERROR_CODES.HANDED_IN || err.code === ERROR_CODES.AFTER_END) {
        // Handed in or over while this machine was away (issue 16): no answering, the end
        // screen; its unsent changes go under the same token (answer:deliver).
        this.closeByServer(err);
      } else if (err.code === ERROR_CODES.SESSION_INVALID) {
        // The server no longer knows this session here: most likely a reset onto another
        // machine while this one was off. Login stays possible (a reset back here).
        this.revoke(err.message);
      } else {
        this.setUpFailed(generation, e);
        return;
      }
    }
    if (generation !== this.generation || this.closed) return;
    this.ready = true;
    this.source.established();
    this.log.info({ resumed: this.session !== null }, 'connected');
    this.events.emit('connection', { connected: true });
    this.changed();
    this.sender.onReady();
    void this.sendNoticeAcks();
  }

  private setUpFailed(generation: number, e: unknown): void {
    if (generation !== this.generation || this.closed) return;
    const err = asCoreError(e);
    this.log.warn({ code: err.code, msg: err.message }, 'connection set-up failed');
    this.events.emit('problem', err);
    if (err.code === LOCAL_ERROR_CODES.OFFLINE) return; // the source retries after the disconnect
    // Reachable but refusing (a failed proof, a server error): drop and retry with backoff.
    this.source.retryLater();
  }

  /** The site's word on this machine; the fingerprint is always this machine's own. */
  private applyAdmission(status: MachineStatus): void {
    const fingerprint = this.machineKey.fingerprint;
    if (status.status === 'unknown') {
      // A refusal stays on screen over a reconnect until the machine asks again.
      const stage = this.admission.stage === 'refused' ? 'refused' : 'unknown';
      this.admission = { stage, fingerprint, roomId: null, seatNo: null };
    } else {
      this.admission = { stage: status.status, fingerprint, roomId: status.roomId, seatNo: status.seatNo };
    }
    this.changed();
  }

  private sendNoticeAcks(): Promise<void> {
    return this.noticeBox.sendDismissals(
      async (noticeId) => {
        this.requireReady();
        await this.source.request('notice:ack', { noticeId });
      },
      (e) => asCoreError(e).code === ERROR_CODES.FORBIDDEN,
    );
  }

  private applyLoginResult(result: LoginResult, sentAt: number): void {
    const session: StoredSession = {
      serverUrl: this.source.origin,
      sessionToken: result.sessionToken,
      ticketNo: result.candidate.ticketNo,
      sittingId: result.sitting.sittingId,
      profile: result.candidate,
      sitting: result.sitting,
      sealedPaper: result.sealedPaper,
      paperProof: result.paperProof,
    };
    const prev = this.session;
    if (!prev || prev.ticketNo !== session.ticketNo || prev.sittingId !== session.sittingId) {
      this.forgetPaper();
      this.noticeBox.clear();
      this.handedIn = null;
      // Someone else logged in before this machine moved on from the previous session: it
      // moves on now, its unacknowledged changes kept for delivery under its own token.
      if (prev) this.journal.retireSession();
    }
    this.journal.saveSession(session);
    // The server's word on what it holds: restores answers after a reset and settles acks
    // lost with a dropped connection; local changes above it stay queued.
    const suspicious = this.journal.adoptServerState(
      { ticketNo: session.ticketNo, sittingId: session.sittingId },
      result.ackSeq,
      result.answers,
    );
    if (suspicious) {
      // No honest server holds more than this machine sent while some of it awaits an ack.
      this.log.warn(
        { sittingId: session.sittingId, ackSeq: result.ackSeq },
        'server claims more answers than this machine sent; unacknowledged changes kept',
      );
    }
    this.session = session;
    this.closedByServer = false;
    this.revoked = false;
    this.noticeBox.replace(result.notices);
    this.events.emit('notices', this.noticeBox.list());
    this.revokedFrom = null;
    this.clock.sync(result.sitting.serverNow, sentAt);
    this.clock.setTiming(result.sitting);
    // Back after the sitting ended (a restart, or the network came back): nothing is left to
    // do in it, so the machine moves on; its unsent changes go as leftovers.
    if (result.sitting.phase === 'ended') {
      this.retire('ended');
      return;
    }
    if (result.sittingKey && !this.openedPaper) this.openWithKey(result.sittingKey);
    this.changed();
    this.sender.kick();
  }

  private applyView(view: SittingView): void {
    const session = this.session;
    if (!session || view.sittingId !== session.sittingId) return;
    const wasHandedIn = session.sitting.handedInAt !== null;
    session.sitting =
      wasHandedIn && view.handedInAt === null ? { ...view, handedInAt: session.sitting.handedInAt } : view;
    this.journal.saveSession(session);
    this.clock.observe(view.serverNow);
    this.clock.setTiming(view);
    // The proctor ended the sitting in this room: the machine returns to its login screen.
    if (view.phase === 'ended') {
      this.retire('ended');
      return;
    }
    this.changed();
  }

  /** Key material is decoded here and kept in memory only; never log it or the error's cause. */
  private openWithKey(keyBase64: string): void {
    const session = this.session;
    if (!session) return;
    const key = Buffer.from(keyBase64, 'base64');
    try {
      if (!session.paperProof) {
        throw new CoreError(
          LOCAL_ERROR_CODES.PAPER_UNTRUSTED,
          'The paper came without the exam centre signature.',
        );
      }
      const paper = openPaper(
        key,
        session.sealedPaper,
        session.sittingId,
        session.paperProof,
        this.opts.trust.centreRootPem,
      );
      this.sittingKey?.fill(0);
      this.sittingKey = key;
      this.openedPaper = { paper, items: new Map(paper.items.map((i) => [i.id, i])) };
      this.paperRefused = false;
    } catch (e) {
      key.fill(0);
      const err = asCoreError(e);
      if (err.code === LOCAL_ERROR_CODES.PAPER_UNTRUSTED) {
        this.paperRefused = true;
        this.changed();
      }
      this.log.error({ code: err.code, sittingId: session.sittingId }, 'paper could not be opened');
      this.events.emit('problem', err);
      return;
    }
    this.events.emit('paper', this.openedPaper.paper);
    this.changed();
  }

  /**
   * The server will not resume the session: handed in (its details say when and how) or the
   * candidate's time is over. The end screen, as after a hand-in pushed live.
   */
  private closeByServer(err: CoreError): void {
    const session = this.session;
    if (!session) return;
    this.closedByServer = true;
    const d = err.details ?? {};
    // The room's sitting is over as well: nothing is left to do in it, the machine moves on
    // and its unsent changes go as leftovers.
    if (d.sittingEnded === true) {
      this.retire('ended');
      return;
    }
    const at =
      typeof d.handedInAt === 'number' ? d.handedInAt : (session.sitting.endsAt ?? this.serverTimeOr(0));
    const kind = d.kind === 'manual' || d.kind === 'auto' ? d.kind : 'auto';
    this.log.info({ code: err.code, sittingId: session.sittingId }, 'session over at the server');
    this.markHandedIn({ sittingId: session.sittingId, handedInAt: at, kind });
  }

  private markHandedIn(h: HandedIn): void {
    const session = this.session;
    if (!session || h.sittingId !== session.sittingId || session.sitting.handedInAt !== null) return;
    session.sitting = { ...session.sitting, handedInAt: h.handedInAt };
    this.handedIn = h;
    this.journal.saveSession(session);
    this.events.emit('handedIn', h);
    this.changed();
    // Anything still queued is sent after the hand-in too: the server keeps it only as a late
    // arrival (made before, on a machine that was offline since), else refuses it (issue 16).
    this.sender.kick();
  }

  /**
   * The machine moves on from its session to the next login. The journal keeps the session's
   * unacknowledged changes (retired, with its token) until the server acknowledges them.
   */
  private retire(reason: RetireReason): void {
    const session = this.session;
    if (!session) return;
    const retired = this.journal.retireSession();
    this.log.info(
      { reason, ticketNo: session.ticketNo, sittingId: session.sittingId, leftovers: retired !== null },
      'moved on from the session',
    );
    this.session = null;
    this.handedIn = null;
    this.noticeBox.clear();
    this.events.emit('notices', []);
    this.forgetPaper();
    this.clock.setTiming({ endsAt: null, earliestHandInAt: null });
    this.events.emit('retired', { ticketNo: session.ticketNo, sittingId: session.sittingId, reason });
    this.changed();
    this.sender.kick();
  }

  private onDelivered(retired: RetiredSession, ackSeq: number): void {
    if (this.journal.settleRetired(retired)) {
      this.log.info(
        { ticketNo: retired.ticketNo, sittingId: retired.sittingId, ackSeq },
        'leftovers delivered',
      );
    }
    this.changed();
  }

  /**
   * A machine released by a reset stays locked while the sitting it was released from runs
   * in the room, and opens again once that sitting is over and a later one takes logins:
   * the machine may well be fine by then, and the next candidate needs it.
   */
  private maybeUnlock(): void {
    if (!this.revoked || this.loginOpen.length === 0) return;
    if (this.revokedFrom !== null && this.loginOpen.includes(this.revokedFrom)) return;
    this.log.info({ releasedFrom: this.revokedFrom, loginOpen: this.loginOpen }, 'released machine unlocked');
    this.revoked = false;
    this.revokedFrom = null;
    this.changed();
  }

  /** Locks this machine. Unacknowledged answers stay in the journal for the proctor. */
  private revoke(reason: string): void {
    this.log.warn({ reason }, 'session revoked');
    this.revokedFrom = this.session?.sittingId ?? this.revokedFrom;
    this.journal.clearSession();
    this.session = null;
    this.revoked = true;
    this.noticeBox.clear();
    this.events.emit('notices', []);
    this.forgetPaper();
    this.clock.setTiming({ endsAt: null, earliestHandInAt: null });
    this.events.emit('revoked', { reason });
    this.changed();
    this.maybeUnlock();
  }

  private forgetPaper(): void {
    this.sittingKey?.fill(0);
    this.sittingKey = null;
    this.openedPaper = null;
  }

  private tick(): void {
    if (this.closed) return;
    for (const beforeEndMs of this.clock.takeDueReminders()) this.events.emit('reminder', { beforeEndMs });
    if (this.phase() !== this.lastPhase) this.changed();
  }

  private phase(): CorePhase {
    return phaseOf({
      revoked: this.revoked,
      sitting: this.session?.sitting ?? null,
      timeUp: this.clock.isTimeUp(),
      paperOpen: this.openedPaper !== null,
    });
  }

  private changed(): void {
    if (this.closed) return;
    const status = this.status();
    this.lastPhase = status.phase;
    this.events.emit('change', status);
  }

  private ref(): SittingRef | null {
    return this.session ? { ticketNo: this.session.ticketNo, sittingId: this.session.sittingId } : null;
  }

  private requireReady(): void {
    if (this.closed) throw new CoreError(LOCAL_ERROR_CODES.CLOSED, 'The candidate core was closed.');
    if (!this.ready) throw new CoreError(LOCAL_ERROR_CODES.OFFLINE, 'Not connected to the site server.');
  }

  private monotonic(): number {
    return (this.opts.monotonicNow ?? systemMonotonic)();
  }

  private serverTimeOr<T>(fallback: T): number | T {
    return this.clock.synced ? this.clock.now() : fallback;
  }
}

export function createCandidateCore(opts: CandidateCoreOptions): CandidateCore {
  return new CandidateCore(opts);
}
