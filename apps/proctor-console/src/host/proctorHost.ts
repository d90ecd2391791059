import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { siteTimeStamp } from '@exam/domain';
import {
  type ExtendRequest,
  type NoticeAcknowledged,
  sittingCommandSchema,
  type ViolationRequest,
} from '@exam/protocol';
import { ProctorCommandError, ProctorCore } from '../core/index.js';
import type {
  HostError,
  HostPush,
  HostResult,
  SessionState,
  SignedInAs,
  SignInRequest,
} from '../shared/api.js';
import { isRoomCommand, openSavedSchema, ROOM_COMMANDS, readSavedSchema, signInSchema } from './commands.js';
import { HistoryLog, type NewEntry } from './history.js';
import { KeyFileError, openProctorKey, type ProctorKey, roomForKey } from './proctorKey.js';
import { RoomBackup } from './roomBackup.js';
import { RoomFeed } from './roomFeed.js';
import { StandaloneDesk } from './standaloneDesk.js';

export interface ProctorHostOptions {
  /** The site server's address offered on the sign-in screen. */
  serverUrl: string;
  /** Electron's file dialog; absent in web mode. */
  chooseKeyFile?: () => Promise<string | null>;
  connectTimeoutMs?: number;
  /**
   * The console's own folder: the room replica (its SQLite file), printed reports and
   * backups. Without one (some tests) the console keeps no replica.
   */
  dataDir?: string;
  /**
   * Electron's shell: opens a saved report in the system's PDF reader (to read or print),
   * or shows a saved backup in its folder. Absent in web mode, where the browser does it.
   */
  openSaved?: (path: string, how: 'open' | 'reveal') => Promise<void>;
}

type Listener = (push: HostPush) => void;

/**
 * Owns the console's ProctorCore for one signed-in key and serves the renderer: commands
 * in (parsed, then run), the session and the room picture out. Electron main and the web
 * host both wrap one of these, so the two modes behave the same.
 */
export class ProctorHost {
  private core: ProctorCore | null = null;
  /** Kept for signing backups; the private key never leaves this process. */
  private key: ProctorKey | null = null;
  private feed: RoomFeed | null = null;
  private history = new HistoryLog();
  private session: SessionState;
  private readonly listeners = new Set<Listener>();
  private publishQueued = false;
  /** Files this console wrote: the only ones the renderer may have opened or read back. */
  private readonly saved = new Set<string>();
  /** Standalone mode (issue 17): consent, export, collection and its offline queue. */
  private readonly standalone: StandaloneDesk;
  /** The room's backup (issue 18): by the button, and by itself after the day's last sitting. */
  private readonly backup: RoomBackup;

  constructor(private readonly opts: ProctorHostOptions) {
    this.session = { phase: 'signed-out', serverUrl: opts.serverUrl };
    this.standalone = new StandaloneDesk({
      ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
      core: () => this.core,
      signedInAs: () => this.signedInAs,
      broadcast: (push) => this.broadcast(push),
    });
    void this.standalone.loadQueue().catch(() => {});
    this.backup = new RoomBackup({
      core: () => this.core,
      key: () => this.key,
      save: (name, bytes) =>
        this.saveFile('backups', `${name}.exampkg`, bytes, (n) => `${name}-${n}.exampkg`),
      // Named by the site's wall clock (the server's time as this console follows it), as the
      // room's papers and reports are; a second backup in the same minute gets its own name.
      name: (core) =>
        `room-backup-${this.signedInAs?.roomId ?? 'room'}-${siteTimeStamp(core.state.ready ? core.state.serverNow() : Date.now())}`,
      publish: (backup) => this.broadcast({ type: 'backup', backup }),
      toError: toHostError,
    });
  }

  subscribe(listener: Listener): () => void {
    // Flush pending changes to the others first, so the full picture and the deltas agree.
    this.publish();
    this.listeners.add(listener);
    listener({ type: 'session', session: this.session });
    const transfers = this.feed?.transfers(true);
    if (transfers) listener(transfers);
    const full = this.feed?.full();
    if (full) listener(full);
    listener(this.standalone.push());
    const backup = this.backup.latest;
    if (backup) listener({ type: 'backup', backup });
    return () => this.listeners.delete(listener);
  }

  get signedInAs(): SignedInAs | null {
    return this.session.phase === 'signed-in' ? this.session.as : null;
  }

  async invoke(name: string, args: unknown): Promise<HostResult<unknown>> {
    try {
      if (name === 'signIn') return { ok: true, value: await this.signIn(signInSchema.parse(args)) };
      if (name === 'chooseKeyFile') {
        return { ok: true, value: this.opts.chooseKeyFile ? await this.opts.chooseKeyFile() : null };
      }
      if (name === 'openSaved') return { ok: true, value: await this.openSaved(args) };
      if (name === 'readSaved') return { ok: true, value: await this.readSaved(args) };
      const standalone = await this.invokeStandalone(name, args);
      if (standalone) return standalone;
      const core = this.core;
      if (name === 'roomReport' || name === 'transferReport' || name === 'exportBackup') {
        if (!core) return fail('NOT_SIGNED_IN', 'Sign in with a proctor key first.');
        if (name === 'exportBackup') return { ok: true, value: await this.backup.make(false) };
        return { ok: true, value: await this.report(core, name, args) };
      }
      if (!isRoomCommand(name)) return fail('UNKNOWN_COMMAND', `No command ${name.slice(0, 40)}.`);
      if (!core) return fail('NOT_SIGNED_IN', 'Sign in with a proctor key first.');
      const command = ROOM_COMMANDS[name];
      const parsed = command.schema.safeParse(args);
      if (!parsed.success)
        return fail('INVALID_MESSAGE', parsed.error.issues[0]?.message ?? 'Invalid input.');
      const value = await command.run(core, parsed.data as never);
      this.logOwnAction(name, parsed.data, value);
      return { ok: true, value };
    } catch (e) {
      return { ok: false, error: toHostError(e) };
    }
  }

  async signIn(req: SignInRequest): Promise<SignedInAs> {
    const key = openProctorKey(await readFile(req.keyFile), req.pin);
    return this.connect(key, req.serverUrl, req.roomId);
  }

  /** Signs in with a key already opened (web mode starts with one). */
  async connect(key: ProctorKey, serverUrl: string, requestedRoomId?: string): Promise<SignedInAs> {
    const roomId = roomForKey(key, requestedRoomId);
    this.closeCore();
    this.setSession({ phase: 'signing-in', serverUrl });
    const dataDir = this.opts.dataDir;
    if (dataDir) await mkdir(dataDir, { recursive: true });
    const core = new ProctorCore({
      serverUrl,
      siteId: key.siteId,
      // The centre root the proctor key came with (the centre issued both): the console
      // trusts no other authority for the site server's certificate.
      centreRootPem: key.rootPem,
      roomId,
      key: key.key,
      ...(dataDir ? { replicaPath: join(dataDir, `replica-${key.siteId}-${roomId}.sqlite`) } : {}),
    });
    try {
      await core.ready(this.opts.connectTimeoutMs);
    } catch (e) {
      core.close();
      this.setSession({ phase: 'signed-out', serverUrl, error: toHostError(e) });
      throw e;
    }
    const as: SignedInAs = { holder: key.holder, role: key.role, siteId: key.siteId, roomId, serverUrl };
    this.core = core;
    this.key = key;
    this.history = new HistoryLog();
    this.feed = new RoomFeed(core.state, this.history);
    core.on('change', () => {
      this.queuePublish();
      this.backup.onRoomChange();
    });
    core.on('noticeAck', (ack) => this.logNoticeAck(ack));
    core.on('connection', (connected) => {
      this.setSession({ phase: 'signed-in', as, connected });
      // Answer files kept while the server was down go out as soon as it is back.
      if (connected) void this.standalone.onConnected();
      if (connected) this.backup.onReconnect();
    });
    this.setSession({ phase: 'signed-in', as, connected: core.connected });
    void this.standalone.onConnected();
    // Whom backups are sealed for, asked now: a backup made while the site is down still has it.
    void this.backup
      .learnRecipients()
      .catch(() => {})
      .then(() => this.backup.onRoomChange());
    const full = this.feed.full();
    this.feed.delta();
    this.broadcast(this.feed.transfers(true) ?? { type: 'transfers', transfers: [] });
    if (full) this.broadcast(full);
    return as;
  }

  /** Asks the server for a fresh snapshot (and its time); the renderer follows. */
  async resync(): Promise<void> {
    await this.core?.refresh();
    // The offline kit too (machines approved since, a start): what an offline export builds from.
    await this.standalone.fetchKit().catch(() => {});
    this.publish();
  }

  close(): void {
    this.closeCore();
    this.listeners.clear();
  }

  private closeCore(): void {
    this.standalone.stop();
    this.core?.close();
    this.core = null;
    this.key = null;
    this.feed = null;
    this.backup.reset();
  }

  private setSession(session: SessionState): void {
    this.session = session;
    this.broadcast({ type: 'session', session });
  }

  /** Core changes arrive in bursts (one per socket message); one push per turn of the loop. */
  private queuePublish(): void {
    if (this.publishQueued) return;
    this.publishQueued = true;
    setImmediate(() => {
      this.publishQueued = false;
      this.publish();
    });
  }

  private publish(): void {
    const delta = this.feed?.delta();
    if (delta) this.broadcast(delta);
    const transfers = this.feed?.transfers();
    if (transfers) this.broadcast(transfers);
  }

  private broadcast(push: HostPush): void {
    for (const l of this.listeners) l(push);
  }

  /** The standalone commands (issue 17); null for any other name. */
  private async invokeStandalone(name: string, args: unknown): Promise<HostResult<unknown> | null> {
    const desk = this.standalone;
    switch (name) {
      case 'standaloneMachines':
        return { ok: true, value: await desk.machines() };
      case 'standaloneExport':
        return { ok: true, value: await desk.export(args) };
      case 'standaloneCancel':
        return { ok: true, value: await desk.cancel(args) };
      case 'standaloneCollect':
        return { ok: true, value: await desk.collect(args) };
      case 'standaloneList':
        return { ok: true, value: await desk.list() };
      default:
        return null;
    }
  }

  /** The room report, or the room's part of the transfer report (issue 19): both kept here. */
  private async report(core: ProctorCore, which: 'roomReport' | 'transferReport', args: unknown) {
    const { sittingId } = sittingCommandSchema.parse(args);
    const report =
      which === 'roomReport' ? await core.roomReport(sittingId) : await core.transferReport(sittingId);
    // The site names the file; only its last part is used, so it cannot point elsewhere.
    const savedTo = await this.saveFile(
      'reports',
      basename(report.fileName),
      Buffer.from(report.pdfBase64, 'base64'),
    );
    return { ...report, savedTo };
  }

  /**
   * Writes a file into the console's folder. With `renamed`, an existing file is never
   * replaced: the name takes the first free number instead.
   */
  private async saveFile(
    folder: string,
    name: string,
    bytes: Buffer,
    renamed?: (n: number) => string,
  ): Promise<string | null> {
    if (!this.opts.dataDir) return null;
    const dir = join(this.opts.dataDir, folder);
    await mkdir(dir, { recursive: true });
    for (let n = 1; ; n++) {
      const path = join(dir, n === 1 ? name : (renamed?.(n) ?? name));
      try {
        await writeFile(path, bytes, { flush: true, flag: renamed ? 'wx' : 'w' });
      } catch (e) {
        if (renamed && (e as { code?: unknown }).code === 'EEXIST') continue;
        throw e;
      }
      this.saved.add(path);
      return path;
    }
  }

  /** Opens a report, or shows a backup in its folder (Electron); only files saved here. */
  private async openSaved(args: unknown): Promise<{ opened: true }> {
    const { path, how } = openSavedSchema.parse(args);
    if (!this.saved.has(path)) {
      throw new ProctorCommandError('NOT_SAVED', 'Only a report or backup this console saved can be opened.');
    }
    // Only a PDF goes to the system's default app; a backup is only shown in its folder.
    if (how === 'open' && extname(path) !== '.pdf') {
      throw new ProctorCommandError(
        'NOT_SAVED',
        'Only a report opens in a reader; a backup is shown in its folder.',
      );
    }
    if (!this.opts.openSaved) {
      throw new ProctorCommandError('NOT_AVAILABLE', 'This console cannot open files itself (web mode).');
    }
    await this.opts.openSaved(path, how);
    return { opened: true };
  }

  /** A saved file's bytes, for web mode's download; only files saved here. */
  private async readSaved(args: unknown): Promise<{ fileName: string; base64: string }> {
    const { path } = readSavedSchema.parse(args);
    if (!this.saved.has(path)) {
      throw new ProctorCommandError('NOT_SAVED', 'Only a report or backup this console saved can be read.');
    }
    return { fileName: basename(path), base64: (await readFile(path)).toString('base64') };
  }

  /** The proctor sees who has read a notice, by its text (kept from when it was sent). */
  private logNoticeAck(ack: NoticeAcknowledged): void {
    const sent = this.history.all().find((h) => h.kind === 'notice' && h.params.noticeId === ack.noticeId);
    const entry = this.history.add({
      at: ack.acknowledgedAt,
      ticketNo: ack.ticketNo,
      sittingId: ack.sittingId,
      kind: 'noticeAck',
      params: { text: sent ? String(sent.params.text) : null, noticeId: ack.noticeId },
    });
    this.broadcast({ type: 'delta', serverNow: ack.acknowledgedAt, history: [entry] });
  }

  /** The console's own actions go into the history with what only it knows: reasons and codes. */
  private logOwnAction(name: string, args: unknown, result: unknown): void {
    const core = this.core;
    if (!core) return;
    // The server's own time for the action when it says so; otherwise the console's estimate.
    const stamped = (result as { resetAt?: unknown } | null)?.resetAt;
    const at = typeof stamped === 'number' ? stamped : core.state.serverNow();
    const entries: NewEntry[] = [];
    if (name === 'reset') {
      const a = args as { sittingId: string; ticketNo: string; reason: string };
      entries.push({
        at,
        ticketNo: a.ticketNo,
        sittingId: a.sittingId,
        kind: 'reset',
        params: { reason: a.reason },
      });
    } else if (name === 'extend') {
      const a = args as ExtendRequest;
      for (const ticketNo of a.tickets) {
        entries.push({
          at,
          ticketNo,
          sittingId: a.sittingId,
          kind: 'extension',
          params: { minutes: a.minutes, reason: a.reason, code: a.code ?? null },
        });
      }
    } else if (name === 'recordViolation') {
      const a = args as ViolationRequest;
      entries.push({
        at,
        ticketNo: a.ticketNo,
        sittingId: a.sittingId,
        kind: 'violation',
        params: { category: a.category, notified: a.notified, description: a.description },
      });
    } else if (name === 'sendNotice') {
      const a = args as { sittingId: string; text: string; ticketNo?: string };
      entries.push({
        at,
        ticketNo: a.ticketNo ?? null,
        sittingId: a.sittingId,
        kind: 'notice',
        params: { text: a.text, noticeId: (result as { noticeId?: number } | null)?.noticeId ?? null },
      });
    }
    if (entries.length === 0) return;
    for (const e of entries) if (e.ticketNo && e.kind !== 'notice') this.history.expect(e.ticketNo, e.kind);
    const history = entries.map((e) => this.history.add(e));
    this.broadcast({ type: 'delta', serverNow: at, history });
  }
}

function fail(code: string, message: string): HostResult<never> {
  return { ok: false, error: { code, message } };
}

export function toHostError(e: unknown): HostError {
  if (e instanceof ProctorCommandError) {
    return { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) };
  }
  if (e instanceof KeyFileError) {
    return { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) };
  }
  if (e && typeof e === 'object' && 'issues' in e) return { code: 'INVALID_MESSAGE', message: String(e) };
  if (e && typeof e === 'object' && 'code' in e && (e as { code: unknown }).code === 'ENOENT') {
    return { code: 'BAD_KEY_FILE', message: 'The key file was not found.' };
  }
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}
