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
  type MachineCheck,
  machineCheckSchema,
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
  /** Registered (and resumed, with a session) on the current connection. */
  private ready = false;
  /** Bumped per connection so a flow from a dropped connection cannot apply late. */
  private generation = 0;
  private lastSyncAt: number | null = null;
  /** The hand-in as the server reported it; the SittingView carries the time but not the kind. */
  private handedIn: HandedIn | null = null;
  private lastPhase: CorePhase;
  private closed = false;
  private readonly noticeBox = new NoticeBox();

  constructor(private readonly opts: CandidateCoreOptions) {
    this.log = opts.logger ?? silentLogger;
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
          ackTimeoutMs: opts.ackTimeoutMs ?? DEFAULTS.ackTimeoutMs,
          backoff: opts.backoff,
        });
    const origin = this.source.origin;
    this.sender = new AnswerSender({
      journal: this.journal,
      target: () => this.ref(),
      ready: () => this.ready,
      send: (sittingId, changes) => this.source.request('answer:save', { sittingId, changes }),
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
      phase: this.phase(),
      pending: live ? this.journal.pendingCount(ref) : 0,
      ackSeq: live ? this.journal.ackSeq(ref) : 0,
      remainingMs: this.clock.remainingMs(),
      handedIn: this.session?.sitting.handedInAt != null,
      lastSyncAt: this.lastSyncAt,
      undelivered: this.closed ? 0 : this.journal.retiredPendingCount(),
    };
  }

  /** The room's sittings whose login is open (and not ended), as the server last said. */
  roomLoginOpen(): readonly string[] {
    return this.loginOpen;
  }

  /** The room's name as the server gave it at registration (e.g. 第01考场); null before. */
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
    s.on('connect', () => void this.onConnect());
    s.on('disconnect', (reason) => {
      this.generation++;
      this.ready = false;
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
    s.onPush(
      'room:loginOpen',
      (p) => {
        this.loginOpen = p.sittingIds;
        this.maybeUnlock();
      },
      malformed,
    );
  }

  /** Every (re)connect: register the machine, re-sync time, resume, then send the backlog. */
  private async onConnect(): Promise<void> {
    const generation = ++this.generation;
    this.ready = false;
    const o = this.opts;
    try {
      const registered = await this.source.request('machine:register', {
        roomId: o.roomId,
        seatNo: o.seatNo,
        machineId: o.machineId,
        clientVersion: o.clientVersion,
      });
      if (generation !== this.generation) return;
      this.roomDisplayName = registered.roomName;
      this.loginOpen = registered.loginOpen;
      this.maybeUnlock();
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
      if (err.code === ERROR_CODES.SESSION_INVALID) {
        // The server no longer knows this session here: most likely a reset onto another
        // machine while this one was off. Login stays possible (a reset back here).
        this.revoke(err.message);
      } else {
        this.log.warn({ code: err.code, msg: err.message }, 'connection set-up failed');
        this.events.emit('problem', err);
        if (err.code === LOCAL_ERROR_CODES.OFFLINE) return; // the source retries after the disconnect
        // Reachable but refusing (unknown room, server error): drop and retry with backoff.
        this.source.retryLater();
        return;
      }
    }
    this.ready = true;
    this.source.established();
    this.log.info({ resumed: this.session !== null }, 'connected');
    this.events.emit('connection', { connected: true });
    this.changed();
    this.sender.onReady();
    void this.sendNoticeAcks();
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
    this.journal.adoptServerState(
      { ticketNo: session.ticketNo, sittingId: session.sittingId },
      result.ackSeq,
      result.answers,
    );
    this.session = session;
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
      const paper = openPaper(key, session.sealedPaper, session.sittingId);
      this.sittingKey?.fill(0);
      this.sittingKey = key;
      this.openedPaper = { paper, items: new Map(paper.items.map((i) => [i.id, i])) };
    } catch (e) {
      key.fill(0);
      const err = asCoreError(e);
      this.log.error({ code: err.code, sittingId: session.sittingId }, 'paper could not be opened');
      this.events.emit('problem', err);
      return;
    }
    this.events.emit('paper', this.openedPaper.paper);
    this.changed();
  }

  private markHandedIn(h: HandedIn): void {
    const session = this.session;
    if (!session || h.sittingId !== session.sittingId || session.sitting.handedInAt !== null) return;
    session.sitting = { ...session.sitting, handedInAt: h.handedInAt };
    this.handedIn = h;
    this.journal.saveSession(session);
    this.events.emit('handedIn', h);
    this.changed();
    // Anything still queued is sent after the hand-in too; the server records it as late.
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
