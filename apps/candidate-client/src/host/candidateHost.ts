import { dirname } from 'node:path';
import { type AnswerValue, type ClientAlert, displayFingerprint, type Paper } from '@exam/protocol';
import {
  asCoreError,
  type CandidateCore,
  type CandidateCoreOptions,
  type CoreLogger,
  createCandidateCore,
  LOCAL_ERROR_CODES,
  loadOrCreateMachineKey,
  type MachineKey,
  machineKeyPathIn,
  silentLogger,
} from '../core/index.js';
import type { WrittenAnswerFile } from '../core/journal/standaloneTable.js';
import { StandaloneImporter } from '../core/standalone/standaloneImporter.js';
import { StandaloneSessionSource } from '../core/standalone/standaloneSessionSource.js';
import { StandaloneStore } from '../core/standalone/standaloneStore.js';
import type { BridgeCalls, BridgePushes } from '../shared/bridge.js';
import type { BridgeResult } from '../shared/result.js';
import type {
  AlertKind,
  AnswerEntry,
  AnswerFileView,
  CandidateState,
  ScreenInfo,
  ScreenProgress,
  StandaloneHeaderView,
  StandaloneView,
} from '../shared/state.js';
import { AlertQueue } from './alertQueue.js';
import { gatherMachineFacts, type MachineFacts, machineCheckOf } from './machineFacts.js';
import { fail, failFrom, ok } from './results.js';

export interface CandidateHostOptions {
  core: CandidateCoreOptions;
  /** How often the state (with its countdowns) is pushed even when nothing changed. */
  pushEveryMs?: number;
  /** Injected in tests; defaults to what node:os and statfs report. */
  machineFacts?: () => MachineFacts;
  logger?: CoreLogger;
}

/**
 * State pushes are at least this far apart; the first after a quiet spell goes at once.
 * Each push makes the host build and serialise the whole state and the renderer re-render:
 * one per answer click (and again per acknowledgement) made those costs land on the next
 * save's round trip. A tenth of a second is below what a candidate notices in a counter.
 */
const STATE_PUSH_MIN_GAP_MS = 100;

type Push = <E extends keyof BridgePushes>(event: E, payload: BridgePushes[E]) => void;

const NOT_STARTED: ScreenProgress = Object.freeze({
  confirmed: false,
  typingTestDone: false,
  noticeRead: false,
  entered: false,
});
const RESUMED: ScreenProgress = Object.freeze({
  confirmed: true,
  typingTestDone: true,
  noticeRead: true,
  entered: true,
});

/**
 * Owns one CandidateCore and serves the renderer's bridge. Plain Node: Electron's main
 * process and the web host (tests, development) both put it behind their transport, so
 * the renderer talks to the same logic either way.
 */
export class CandidateHost implements BridgeCalls {
  private current: CandidateCore;
  /** The machine's key, loaded once: both the online and the standalone core use it. */
  private readonly machineKey: MachineKey;
  private readonly standaloneStore: StandaloneStore;
  private readonly importer: StandaloneImporter;
  /** Set while the session comes from a standalone package (issue 17) instead of the site. */
  private standalone: StandaloneSessionSource | null = null;
  private readonly listeners = new Set<Push>();
  private readonly alerts: AlertQueue;
  private readonly facts: () => MachineFacts;
  private readonly log: CoreLogger;
  private readonly ticker: NodeJS.Timeout;
  private progress: ScreenProgress;
  private everConnected = false;
  private screen: ScreenInfo | null = null;
  private shortfalls: string[] = [];
  private handInFailure: string | null = null;
  private revokedReason: string | null = null;
  private handedInAs: 'manual' | 'auto' | null = null;
  /** True from a restart that found a session until the machine moves on or someone logs in. */
  private resumed: boolean;
  private closed = false;
  private pushQueued = false;
  private lastPushAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: CandidateHostOptions) {
    this.log = opts.logger ?? silentLogger;
    this.facts =
      opts.machineFacts ??
      (() => gatherMachineFacts(opts.core.clientVersion, dirname(opts.core.journalPath)));
    this.machineKey =
      opts.core.machineKey ??
      loadOrCreateMachineKey(opts.core.machineKeyPath ?? machineKeyPathIn(dirname(opts.core.journalPath)));
    this.standaloneStore = StandaloneStore.open(opts.core.journalPath);
    this.importer = new StandaloneImporter({
      store: this.standaloneStore,
      trust: opts.core.trust,
      machineFingerprint: this.machineKey.fingerprint,
    });
    // A standalone package still active resumes without its code (issue 17): no network.
    const active = this.standaloneStore.active();
    this.current = this.attach(active ? this.standaloneCore(active.packageId) : this.onlineCore());
    this.alerts = new AlertQueue((alert) => this.core.reportAlert(alert));
    // A session in the journal at start means this process died or was closed mid-sitting:
    // resume where the candidate was, and tell the proctor (a person decides why).
    this.resumed = this.core.candidate() !== null;
    this.progress = this.resumed ? RESUMED : NOT_STARTED;
    if (this.resumed) this.alerts.add({ kind: 'restarted', detail: 'resumed from the local journal' });
    this.ticker = setInterval(() => this.pushState(), opts.pushEveryMs ?? 1_000);
    this.ticker.unref();
  }

  /** The core serving the session now: the site server's, or a standalone package's. */
  get core(): CandidateCore {
    return this.current;
  }

  /** Subscribes to state and reminder pushes; returns the unsubscribe function. */
  subscribe(listener: Push): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The screen as Electron's `screen` module (or the browser) reports it. */
  setScreen(screen: ScreenInfo): void {
    this.screen = screen;
    void this.sendMachineCheck();
  }

  getState(): CandidateState {
    const core = this.core;
    const status = core.status();
    const sitting = core.sitting();
    const serverNow = core.serverNow();
    const handedIn =
      sitting?.handedInAt != null ? { at: sitting.handedInAt, kind: this.handedInKind() } : null;
    const { serverNow: _drop, ...view } = sitting ?? { serverNow: 0 };
    // A machine waiting for its proctor is online too: connected and heard. An approved one
    // is online once set up (time synced, session resumed), as before approvals existed.
    const online = status.connected || (status.linked && status.machine.stage !== 'approved');
    if (online) this.everConnected = true;
    return {
      connection: online
        ? 'online'
        : status.serverIdentityRefused
          ? 'untrusted'
          : this.everConnected
            ? 'offline'
            : 'connecting',
      machine: {
        roomId: status.machine.roomId,
        roomName: core.roomName(),
        seatNo: status.machine.seatNo,
        clientVersion: this.opts.core.clientVersion,
        admission: status.machine.stage,
        fingerprint: displayFingerprint(status.machine.fingerprint),
        proposed: { roomId: this.opts.core.roomId ?? null, seatNo: this.opts.core.seatNo ?? null },
      },
      phase: status.phase,
      candidate: core.candidate(),
      sitting: sitting ? (view as CandidateState['sitting']) : null,
      progress: this.progress,
      paperOpen: core.paper() !== null,
      paperRefused: status.paperRefused,
      serverNow,
      remainingMs: status.remainingMs,
      startsInMs: sitting && serverNow !== null ? sitting.scheduledStart - serverNow : null,
      canHandIn: core.canHandIn(),
      pending: status.pending,
      undelivered: status.undelivered,
      handedIn,
      handInFailure: this.handInFailure,
      revokedReason: status.phase === 'revoked' ? this.revokedReason : null,
      resumed: this.resumed,
      machineShortfalls: this.shortfalls,
      notices: core.notices(),
      standalone: this.standaloneView(),
    };
  }

  getPaper(): Paper | null {
    return this.core.paper();
  }

  getAnswers(): AnswerEntry[] {
    return this.core.answers().map((a) => ({ itemId: a.itemId, value: a.value, flagged: a.flagged }));
  }

  async joinSeat(roomId: string, seatNo: number): Promise<BridgeResult<null>> {
    try {
      await this.core.join(roomId.trim(), seatNo);
      this.pushState();
      return ok(null);
    } catch (e) {
      return failFrom(e);
    }
  }

  async login(ticketNo: string, idNumber: string): Promise<BridgeResult<null>> {
    try {
      await this.core.login(ticketNo.trim(), idNumber.trim().toUpperCase());
      this.progress = NOT_STARTED;
      this.revokedReason = null;
      this.handInFailure = null;
      this.resumed = false;
      this.pushState();
      return ok(null);
    } catch (e) {
      return failFrom(e);
    }
  }

  confirmLogin(): BridgeResult<null> {
    return this.advance({ confirmed: true });
  }

  finishTypingTest(): BridgeResult<null> {
    return this.advance({ typingTestDone: true });
  }

  setNoticeRead(read: boolean): BridgeResult<null> {
    return this.advance({ noticeRead: read });
  }

  enterExam(): BridgeResult<null> {
    if (!this.progress.noticeRead) return fail('NOTICE_NOT_READ', 'Tick "I have read" first.');
    if (!this.core.paper()) return fail('SITTING_NOT_STARTED', 'The sitting has not started.');
    return this.advance({ entered: true });
  }

  saveAnswer(itemId: string, value: AnswerValue, flagged: boolean): BridgeResult<{ seq: number }> {
    try {
      return ok({ seq: this.core.saveAnswer(itemId, value, flagged).seq });
    } catch (e) {
      return failFrom(e);
    }
  }

  async handIn(): Promise<BridgeResult<{ at: number; kind: 'manual' | 'auto' }>> {
    try {
      const h = await this.core.handIn();
      this.handInFailure = null;
      this.pushState();
      return ok({ at: h.handedInAt, kind: h.kind });
    } catch (e) {
      const err = asCoreError(e);
      // Too early is an answer, not a failure: the candidate goes back to the paper.
      if (err.code !== 'TOO_EARLY') {
        this.handInFailure = err.code;
        this.pushState();
      }
      return failFrom(err);
    }
  }

  finish(): BridgeResult<null> {
    try {
      this.core.finish();
      return ok(null);
    } catch (e) {
      return failFrom(e);
    }
  }

  reportAlert(kind: AlertKind, detail: string): BridgeResult<null> {
    this.queueAlert({ kind, detail });
    return ok(null);
  }

  acknowledgeNotice(noticeId: number): BridgeResult<null> {
    this.core.acknowledgeNotice(noticeId);
    return ok(null);
  }

  reportScreen(screen: ScreenInfo): BridgeResult<null> {
    this.setScreen(screen);
    return ok(null);
  }

  /**
   * The proctor's first step of a standalone import (issue 17): reads the package at `path`
   * and checks all but the code; says whose package it is. Only before anyone logs in here.
   */
  standaloneInspect(path: string): BridgeResult<StandaloneHeaderView> {
    try {
      if (!this.standalone && this.core.candidate() !== null) {
        return fail(LOCAL_ERROR_CODES.STANDALONE_SESSION_OPEN, 'A candidate is logged in on this machine.');
      }
      const { header, resumes } = this.importer.inspect(path);
      return ok({ ...header, resumes });
    } catch (e) {
      return failFrom(e);
    }
  }

  /** The code for the package inspected last: the machine continues on it, with no network. */
  standaloneOpen(code: string): BridgeResult<null> {
    try {
      if (!this.standalone && this.core.candidate() !== null) {
        return fail(LOCAL_ERROR_CODES.STANDALONE_SESSION_OPEN, 'A candidate is logged in on this machine.');
      }
      const opened = this.importer.open(code);
      if (this.standalone?.packageId !== opened.packageId)
        this.switchTo(this.standaloneCore(opened.packageId));
      this.pushState();
      return ok(null);
    } catch (e) {
      return failFrom(e);
    }
  }

  /** The proctor went back from the import. */
  standaloneCancel(): BridgeResult<null> {
    this.importer.cancel();
    return ok(null);
  }

  /** The proctor's demand (a machine that is failing): an answer file now, hand-in or not. */
  standaloneWriteAnswerFile(): BridgeResult<AnswerFileView> {
    const source = this.standalone;
    if (!source) return fail(LOCAL_ERROR_CODES.STANDALONE_NONE, 'No standalone session runs here.');
    try {
      const file = source.writeAnswerFile();
      this.pushState();
      if (file.written.length === 0) {
        return fail(LOCAL_ERROR_CODES.STANDALONE_WRITE_FAILED, 'The answer file could not be written.');
      }
      return ok(answerFileView(file));
    } catch (e) {
      return failFrom(e);
    }
  }

  /** Queues an alert for the proctor and sends it now if connected. */
  queueAlert(alert: ClientAlert): void {
    this.alerts.add(alert);
    if (this.core.status().connected) void this.alerts.flush();
  }

  /** True while a sitting runs on this machine: closing the window is refused then. */
  sittingInProgress(): boolean {
    const phase = this.core.status().phase;
    return phase === 'waiting' || phase === 'answering' || phase === 'time-up';
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.ticker);
    this.listeners.clear();
    this.core.close();
    this.standaloneStore.close();
  }

  private onlineCore(): CandidateCore {
    this.standalone = null;
    return createCandidateCore({ ...this.opts.core, machineKey: this.machineKey, logger: this.log });
  }

  /** A core whose session is the standalone package's; same journal, same machine key, no network. */
  private standaloneCore(packageId: string): CandidateCore {
    const { serverUrl: _online, ...settings } = this.opts.core;
    const source = new StandaloneSessionSource({
      store: this.standaloneStore,
      packageId,
      machineKey: this.machineKey,
      dataDir: dirname(this.opts.core.journalPath),
      monotonicNow: this.opts.core.monotonicNow,
      logger: this.log,
      onAnswerFile: () => this.pushState(),
    });
    this.standalone = source;
    return createCandidateCore({ ...settings, source, machineKey: this.machineKey, logger: this.log });
  }

  /** From online to standalone or back: the journal is one, so only the core changes. */
  private switchTo(make: CandidateCore): void {
    const old = this.current;
    this.current = this.attach(make);
    old.close();
    this.progress = NOT_STARTED;
    this.handedInAs = null;
    this.handInFailure = null;
    this.revokedReason = null;
    this.resumed = false;
    this.pushState();
  }

  private attach(core: CandidateCore): CandidateCore {
    core.on('change', () => this.pushState());
    core.on('connection', ({ connected }) => {
      if (connected) this.onConnected();
      this.pushState();
    });
    core.on('reminder', (r) => this.push('reminder', r));
    core.on('notices', () => this.pushState());
    core.on('revoked', ({ reason }) => {
      this.revokedReason = reason;
      this.progress = NOT_STARTED;
      this.pushState();
    });
    // The machine moved on (完成, or the sitting ended): the next candidate starts afresh.
    core.on('retired', () => {
      this.progress = NOT_STARTED;
      this.handedInAs = null;
      this.handInFailure = null;
      this.resumed = false;
      this.pushState();
      // A standalone session is over once its candidate moved on: the machine is a site
      // machine again (its answer files are with the proctor).
      const source = this.standalone;
      if (source && core === this.current) {
        this.standaloneStore.finish(source.packageId);
        setImmediate(() => {
          if (!this.closed && this.standalone === source) this.switchTo(this.onlineCore());
        });
      }
    });
    core.on('handedIn', (h) => {
      this.handedInAs = h.kind;
      this.handInFailure = null;
      this.pushState();
    });
    return core;
  }

  private standaloneView(): StandaloneView | null {
    const source = this.standalone;
    if (!source) return null;
    const stored = source.stored();
    const c = stored.content;
    return {
      packageId: c.packageId,
      ticketNo: c.candidate.ticketNo,
      name: c.candidate.name,
      title: c.sitting.title,
      lastFile: stored.lastFile && answerFileView(stored.lastFile),
    };
  }

  private advance(change: Partial<ScreenProgress>): BridgeResult<null> {
    if (!this.core.candidate()) return fail('NOT_LOGGED_IN', 'Log in first.');
    this.progress = { ...this.progress, ...change };
    this.pushState();
    return ok(null);
  }

  private handedInKind(): 'manual' | 'auto' {
    if (this.handedInAs) return this.handedInAs;
    // After a restart only the view is left, which has the time but not the kind: a hand-in
    // at the end time was automatic.
    const s = this.core.sitting();
    return s && s.handedInAt !== null && s.endsAt !== null && s.handedInAt >= s.endsAt ? 'auto' : 'manual';
  }

  private onConnected(): void {
    this.everConnected = true;
    void this.sendMachineCheck();
    void this.alerts.flush();
  }

  private async sendMachineCheck(): Promise<void> {
    if (!this.screen || !this.core.status().connected) return;
    try {
      const { shortfalls } = await this.core.reportMachineCheck(machineCheckOf(this.facts(), this.screen));
      this.shortfalls = shortfalls;
      this.pushState();
    } catch (e) {
      // Sent again on the next connection.
      this.log.warn({ code: asCoreError(e).code }, 'machine check not delivered');
    }
  }

  /**
   * Coalesced: a burst of changes (an answer click, its journal write, its ack) becomes one
   * push, sent after the call that caused it has replied, and pushes are spaced by
   * STATE_PUSH_MIN_GAP_MS so a run of saves is not slowed by a push per save.
   */
  private pushState(): void {
    if (this.closed || this.listeners.size === 0 || this.pushQueued) return;
    this.pushQueued = true;
    const flush = () => {
      this.pushQueued = false;
      if (this.closed || this.listeners.size === 0) return;
      this.lastPushAt = performance.now();
      this.push('state', this.getState());
    };
    const wait = this.lastPushAt + STATE_PUSH_MIN_GAP_MS - performance.now();
    if (wait <= 0) setImmediate(flush);
    else setTimeout(flush, wait);
  }

  private push<E extends keyof BridgePushes>(event: E, payload: BridgePushes[E]): void {
    for (const fn of this.listeners) {
      try {
        fn(event, payload);
      } catch (e) {
        this.log.error({ err: e, event }, 'push listener failed');
      }
    }
  }
}

function answerFileView(f: WrittenAnswerFile): AnswerFileView {
  return {
    fileSeq: f.fileSeq,
    fileName: f.fileName,
    written: f.written,
    failed: f.failed.map((x) => x.dir),
    handIn: f.handIn,
  };
}
