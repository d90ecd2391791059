import { mkdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { sign } from '@exam/crypto';
import {
  displayFingerprint,
  type StandaloneOfflineKit,
  type StandaloneRegisterRequest,
  standaloneConsentStatement,
  standaloneRegisterSchema,
} from '@exam/protocol';
import { z } from 'zod';
import { ProctorCommandError, type ProctorCore } from '../core/index.js';
import type {
  HostPush,
  QueuedAnswerFile,
  QueuedOutcome,
  SignedInAs,
  StandaloneCollectOutcome,
  StandaloneExportResult,
  StandaloneMachineView,
  StandaloneOfflineView,
  StandalonePackageView,
} from '../shared/api.js';
import { CollectQueue, type SendVerdict } from './collectQueue.js';
import { openProctorKey } from './proctorKey.js';
import { buildOfflinePackage } from './standaloneOffline.js';
import { writeNewFile } from './writeNewFile.js';

/** Arguments from the renderer, parsed before anything reads a key or a file. */
const path = z.string().trim().min(1).max(4096);
const consent = { chiefKeyFile: path, chiefPin: z.string().max(256) };
const reason = z.string().trim().min(1).max(500);
const ticketNo = z.string().regex(/^\d{8,20}$/);
const sittingId = z.string().min(1).max(64);
export const standaloneExportArgs = z.strictObject({
  sittingId,
  ticketNo,
  targetMachineFingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  reason,
  folder: path,
  offline: z.boolean().optional(),
  ...consent,
});
export const standaloneCancelArgs = z.strictObject({
  sittingId,
  ticketNo,
  packageId: z.string().regex(/^[0-9a-f]{32}$/),
  reason,
  ...consent,
});
export const standaloneCollectArgs = z.strictObject({ path });

/** The site takes at most 8,000,000 base64 characters in one collection message. */
const MAX_ANSWER_FILE_BYTES = 5_900_000;
/** Another console (the chief examiner's) may export or collect too: the list is re-read this often. */
const LIST_REFRESH_MS = 30_000;
/** The offline kit (papers, photos: megabytes) is re-read this often, for machines approved since. */
const KIT_REFRESH_MS = 5 * 60_000;

/** The server could not be asked, or may not have answered: the file waits, the export is not retried. */
export function unreachable(e: unknown): boolean {
  return e instanceof ProctorCommandError && (e.code === 'OFFLINE' || e.code === 'TIMEOUT');
}

/**
 * The console's side of standalone mode (issue 17): the chief examiner's consent (their key
 * file + PIN, read and used once here, never kept nor sent to the renderer), export to a
 * folder, cancel, collection with its queue for when the site server is down, and the room's
 * list of packages, pushed to the renderer as `standalone`.
 */
export class StandaloneDesk {
  private packages: StandalonePackageView[] = [];
  private queued: QueuedAnswerFile[] = [];
  private lastOutcome: QueuedOutcome | null = null;
  private readonly queue: CollectQueue | null;
  /** Offline packages' registrations, sent before anything else once the site is back. */
  private readonly registrations: CollectQueue | null;
  private pendingRegistrations: StandaloneOfflineView['pendingRegistrations'] = [];
  private lastRegistration: StandaloneOfflineView['lastRegistration'] = null;
  /**
   * The sitting keys the site sent after the start (decision 0017, amendment): in this
   * process's memory only, never in the replica or a log, so a restart forgets them.
   */
  private readonly sittingKeys = new Map<string, string>();
  private kitFetch: Promise<void> | null = null;
  private kitFetchedAt = Number.NEGATIVE_INFINITY;
  private readonly watched = new WeakSet<ProctorCore>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly opts: {
      dataDir?: string;
      core(): ProctorCore | null;
      signedInAs(): SignedInAs | null;
      broadcast(push: HostPush): void;
    },
  ) {
    this.queue = opts.dataDir ? new CollectQueue(opts.dataDir) : null;
    this.registrations = opts.dataDir
      ? new CollectQueue(opts.dataDir, {
          waiting: 'standalone-registrations',
          refused: 'standalone-registrations-refused',
        })
      : null;
  }

  /** The picture a new renderer starts from. */
  push(): HostPush {
    return {
      type: 'standalone',
      packages: this.packages,
      queued: this.queued,
      lastQueuedOutcome: this.lastOutcome,
      offline: this.offlineView(),
    };
  }

  private offlineView(): StandaloneOfflineView {
    const kit = this.kit();
    return {
      kitHeld: kit !== null,
      sittingsWithKey: [...this.sittingKeys.keys()],
      machines: (kit?.machines ?? []).map((m) => ({
        ...m,
        fingerprintText: displayFingerprint(m.fingerprint),
      })),
      pendingRegistrations: this.pendingRegistrations,
      lastRegistration: this.lastRegistration,
    };
  }

  private kit(): StandaloneOfflineKit | null {
    try {
      return this.opts.core()?.replica?.standaloneKit() ?? null;
    } catch {
      return null;
    }
  }

  /** A console signed in (again): the list is read, and files kept while offline are sent. */
  async onConnected(): Promise<void> {
    this.startRefresh();
    this.watchStart();
    // Offline packages' registrations first (drain sends them before any answer file).
    await this.drain().catch(() => {});
    await this.fetchKit().catch(() => {});
    await this.refresh().catch(() => {});
  }

  /** Reads the waiting files (at start, before any connection) so the count shows at once. */
  async loadQueue(): Promise<void> {
    if (this.queue) this.queued = await this.queue.list();
    await this.listRegistrations();
    this.publish();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.packages = [];
    this.sittingKeys.clear();
  }

  /**
   * Fetches the site's offline kit for the room: the keyless part goes to the replica, the
   * started sittings' keys stay in memory. One fetch at a time.
   */
  fetchKit(): Promise<void> {
    if (this.kitFetch) return this.kitFetch;
    const core = this.opts.core();
    if (!core?.connected) return Promise.resolve();
    this.kitFetch = (async () => {
      const kit = await core.standaloneOfflineKit();
      for (const s of kit.sittings) if (s.sittingKey) this.sittingKeys.set(s.sittingId, s.sittingKey);
      core.replica?.saveStandaloneKit(kit);
      this.kitFetchedAt = performance.now();
      this.publish();
    })().finally(() => {
      this.kitFetch = null;
    });
    return this.kitFetch;
  }

  /** A sitting of the room that started without its key here yet: the kit is fetched again. */
  private watchStart(): void {
    const core = this.opts.core();
    if (!core || this.watched.has(core)) return;
    this.watched.add(core);
    core.on('change', () => {
      const missing = core.state.room?.sittings.some(
        (s) => s.startedAt !== null && s.endedAt === null && !this.sittingKeys.has(s.sittingId),
      );
      if (missing && core.connected) void this.fetchKit().catch(() => {});
    });
  }

  async machines(): Promise<{ machines: StandaloneMachineView[] }> {
    const { machines } = await this.requireCore().standaloneMachines();
    return {
      machines: machines.map((m) => ({ ...m, fingerprintText: displayFingerprint(m.fingerprint) })),
    };
  }

  async list(): Promise<{ packages: StandalonePackageView[]; queued: QueuedAnswerFile[] }> {
    await this.refresh();
    return { packages: this.packages, queued: this.queued };
  }

  async export(args: unknown): Promise<StandaloneExportResult> {
    const a = standaloneExportArgs.parse(args);
    const core = this.requireCore();
    const as = this.requireSignedIn();
    if (a.offline) return this.exportOffline(core, as, a);
    // Through the site: with it unreachable the proctor is told so before a key is read, and
    // the dialog offers 离线导出 (above) instead.
    if (!core.connected) throw new ProctorCommandError('OFFLINE', 'Not connected to the site server.');
    // The folder is checked before anything is signed: a package exported with nowhere to
    // go would lock the candidate out for nothing. It is never created: a mistyped stick
    // path must not quietly become a folder on the console's own disk.
    await requireFolder(a.folder);
    const signed = await this.consent(core, as, a, 'export', a.targetMachineFingerprint);
    const exported = await core.standaloneExport({
      ticketNo: a.ticketNo,
      targetMachineFingerprint: a.targetMachineFingerprint,
      reason: a.reason,
      consent: signed,
    });
    const bytes = Buffer.from(exported.fileBase64, 'base64');
    const name = basename(exported.fileName) || `standalone-${a.ticketNo}.exampkg`;
    let savedTo: string;
    let folderError: string | null = null;
    try {
      savedTo = await writeNewFile(a.folder, name, bytes);
    } catch (e) {
      // The package exists on the server now and its code is shown only here: keep the file
      // in the console's own folder rather than lose both.
      if (!this.opts.dataDir) throw e;
      folderError = e instanceof Error ? e.message : String(e);
      const own = join(this.opts.dataDir, 'standalone-packages');
      await mkdir(own, { recursive: true });
      savedTo = await writeNewFile(own, name, bytes);
    }
    await this.refresh().catch(() => {});
    return { packageId: exported.packageId, code: exported.code, savedTo, folderError };
  }

  /**
   * 离线导出 (decision 0017, amendment): the site server cannot be reached, so the package is
   * built here from the replica, the kit and the sitting key in memory, signed by the chief
   * examiner's key presented now. The file is written first, then its registration record is
   * queued durably, and only then is the code shown: a package whose record could not be kept
   * is never opened by anyone.
   */
  private async exportOffline(
    core: ProctorCore,
    as: SignedInAs,
    a: z.infer<typeof standaloneExportArgs>,
  ): Promise<StandaloneExportResult> {
    if (core.connected) {
      throw new ProctorCommandError(
        'SITE_REACHABLE',
        'The site server is reachable: export through it, not from this console.',
      );
    }
    if (!this.registrations) {
      throw new ProctorCommandError(
        'OFFLINE',
        'This console has no data folder to keep the registration in.',
      );
    }
    await requireFolder(a.folder);
    const key = await this.chiefKey(a, as);
    const built = buildOfflinePackage({
      kit: this.kit(),
      sittingKey: this.sittingKeys.get(a.sittingId),
      tile: core.state.candidates(a.sittingId).find((t) => t.ticketNo === a.ticketNo),
      changes: core.replica?.changes() ?? [],
      serverNow: core.state.serverNow(),
      roomId: as.roomId,
      ticketNo: a.ticketNo,
      sittingId: a.sittingId,
      targetMachineFingerprint: a.targetMachineFingerprint,
      reason: a.reason,
      chief: { certPem: key.key.certPem, privateKeyPem: key.key.privateKeyPem, commonName: key.holder },
    });
    const { savedTo, folderError } = await this.writePackageFile(a.folder, built.fileName, built.bytes);
    await this.registrations.add(
      Buffer.from(JSON.stringify(built.record), 'utf8'),
      `register-${built.packageId}.json`,
    );
    await this.listRegistrations();
    this.publish();
    return { packageId: built.packageId, code: built.code, savedTo, folderError, offline: true };
  }

  /** To the chosen folder or, failing that, the console's own: the code is shown only once. */
  private async writePackageFile(
    folder: string,
    name: string,
    bytes: Buffer,
  ): Promise<{ savedTo: string; folderError: string | null }> {
    try {
      return { savedTo: await writeNewFile(folder, name, bytes), folderError: null };
    } catch (e) {
      if (!this.opts.dataDir) throw e;
      const own = join(this.opts.dataDir, 'standalone-packages');
      await mkdir(own, { recursive: true });
      return {
        savedTo: await writeNewFile(own, name, bytes),
        folderError: e instanceof Error ? e.message : String(e),
      };
    }
  }

  private async listRegistrations(): Promise<void> {
    if (!this.registrations) return;
    const files = await this.registrations.list();
    this.pendingRegistrations = files.map((f) => {
      const m = /^register-([0-9a-f]{32})\.json$/.exec(f.fileName);
      return { packageId: m?.[1] ?? '', ticketNo: '', queuedAt: f.queuedAt };
    });
  }

  /**
   * Sends the queued registrations, oldest first; true when none is left waiting. A refused
   * one is put aside (the proctor sees why) and does not hold the rest back.
   */
  private async drainRegistrations(core: ProctorCore): Promise<boolean> {
    const queue = this.registrations;
    if (!queue) return true;
    await queue.drain(async (bytes): Promise<SendVerdict> => {
      let record: StandaloneRegisterRequest;
      try {
        record = standaloneRegisterSchema.parse(JSON.parse(bytes.toString('utf8')));
      } catch {
        return { kind: 'refused' };
      }
      try {
        const done = await core.standaloneRegister(record);
        this.lastRegistration = {
          packageId: record.packageId,
          at: Date.now(),
          onlineChangesAfterExport: done.onlineChangesAfterExport,
          error: null,
        };
        return { kind: 'sent' };
      } catch (e) {
        if (unreachable(e)) return { kind: 'unreachable' };
        this.lastRegistration = {
          packageId: record.packageId,
          at: Date.now(),
          onlineChangesAfterExport: 0,
          error:
            e instanceof ProctorCommandError
              ? { code: e.code, message: e.message }
              : { code: 'INTERNAL', message: String(e) },
        };
        return { kind: 'refused' };
      }
    });
    await this.listRegistrations();
    return this.pendingRegistrations.length === 0;
  }

  async cancel(args: unknown): Promise<{ packageId: string; state: 'cancelled' }> {
    const a = standaloneCancelArgs.parse(args);
    const core = this.requireCore();
    const as = this.requireSignedIn();
    const signed = await this.consent(core, as, a, 'cancel', a.packageId);
    const done = await core.standaloneCancel({ packageId: a.packageId, reason: a.reason, consent: signed });
    await this.refresh().catch(() => {});
    return done;
  }

  /**
   * Reads the answer file and hands it to the site; with the site unreachable it is kept in
   * the console's folder (the stick may leave with the proctor) and sent once it is back.
   */
  async collect(args: unknown): Promise<StandaloneCollectOutcome> {
    const a = standaloneCollectArgs.parse(args);
    if (extname(a.path).toLowerCase() !== '.exampkg') {
      throw new ProctorCommandError('NOT_AN_ANSWER_FILE', 'An answer file ends in .exampkg.');
    }
    const size = await stat(a.path).then(
      (s) => (s.isFile() ? s.size : -1),
      () => -1,
    );
    if (size < 0) throw new ProctorCommandError('FILE_NOT_FOUND', 'No such file.');
    if (size > MAX_ANSWER_FILE_BYTES) {
      throw new ProctorCommandError('FILE_TOO_LARGE', 'This file is too large to be an answer file.');
    }
    const bytes = await readFile(a.path);
    const core = this.opts.core();
    // An answer file of a package built offline waits until the site has its registration.
    if (core?.connected && (await this.drainRegistrations(core).catch(() => false))) {
      try {
        const result = await core.standaloneCollect(bytes.toString('base64'));
        await this.refresh().catch(() => {});
        return { queued: false, ...result };
      } catch (e) {
        if (!unreachable(e)) throw e;
      }
    }
    if (!this.queue) throw new ProctorCommandError('OFFLINE', 'Not connected to the site server.');
    const kept = await this.queue.add(bytes, basename(a.path));
    this.queued = await this.queue.list();
    this.publish();
    return { queued: true, fileName: kept.fileName, pending: this.queued.length };
  }

  /** Sends the waiting files; each outcome is pushed so the proctor sees what became of it. */
  async drain(): Promise<void> {
    const queue = this.queue;
    const core = this.opts.core();
    if (!queue || !core) return;
    // Registrations before answer files: a file of an unregistered package would be unknown there.
    if (!(await this.drainRegistrations(core))) {
      this.publish();
      return;
    }
    await queue.drain(async (bytes, file): Promise<SendVerdict> => {
      try {
        const result = await core.standaloneCollect(bytes.toString('base64'));
        this.lastOutcome = { fileName: file.fileName, at: Date.now(), result, error: null };
        return { kind: 'sent' };
      } catch (e) {
        if (unreachable(e)) return { kind: 'unreachable' };
        const error =
          e instanceof ProctorCommandError
            ? { code: e.code, message: e.message }
            : { code: 'INTERNAL', message: String(e) };
        this.lastOutcome = { fileName: file.fileName, at: Date.now(), result: null, error };
        return { kind: 'refused' };
      }
    });
    this.queued = await queue.list();
    this.publish();
  }

  /** Re-reads the room's packages from the site (when connected). */
  async refresh(): Promise<void> {
    const core = this.opts.core();
    if (!core?.connected) {
      this.publish();
      return;
    }
    if (performance.now() - this.kitFetchedAt > KIT_REFRESH_MS) void this.fetchKit().catch(() => {});
    const { packages } = await core.standaloneList();
    this.packages = packages.map((p) => ({ ...p }));
    if (this.queue) this.queued = await this.queue.list();
    this.publish();
  }

  /**
   * Opens the chief examiner's key with its PIN, signs one consent statement over a fresh
   * challenge and lets go of the key: it is read for this one signature and never stored.
   */
  private async consent(
    core: ProctorCore,
    as: SignedInAs,
    a: { chiefKeyFile: string; chiefPin: string; sittingId: string; ticketNo: string; reason: string },
    action: 'export' | 'cancel',
    subject: string,
  ): Promise<{ certPem: string; signature: string; challenge: string }> {
    const key = await this.chiefKey(a, as);
    const { challenge } = await core.standaloneChallenge();
    const statement = standaloneConsentStatement({
      action,
      siteId: as.siteId,
      sittingId: a.sittingId,
      ticketNo: a.ticketNo,
      subject,
      reason: a.reason,
      challenge,
    });
    const signature = sign(statement, key.key.privateKeyPem).toString('base64');
    return { certPem: key.key.certPem, signature, challenge };
  }

  /** The chief examiner's key of this site, opened with its PIN for one signature. */
  private async chiefKey(a: { chiefKeyFile: string; chiefPin: string }, as: SignedInAs) {
    const key = openProctorKey(await readFile(a.chiefKeyFile), a.chiefPin);
    if (key.role !== 'chief') {
      throw new ProctorCommandError(
        'NOT_CHIEF_KEY',
        'Consent needs the chief examiner’s key, not a proctor key.',
      );
    }
    if (key.siteId !== as.siteId) {
      throw new ProctorCommandError('NOT_CHIEF_KEY', 'This chief examiner key is for another site.');
    }
    return key;
  }

  private startRefresh(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh().catch(() => {}), LIST_REFRESH_MS);
    this.timer.unref?.();
  }

  private publish(): void {
    this.opts.broadcast(this.push());
  }

  private requireCore(): ProctorCore {
    const core = this.opts.core();
    if (!core) throw new ProctorCommandError('NOT_SIGNED_IN', 'Sign in with a proctor key first.');
    return core;
  }

  private requireSignedIn(): SignedInAs {
    const as = this.opts.signedInAs();
    if (!as) throw new ProctorCommandError('NOT_SIGNED_IN', 'Sign in with a proctor key first.');
    return as;
  }
}

async function requireFolder(folder: string): Promise<void> {
  const isDir = await stat(folder).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new ProctorCommandError('FOLDER_NOT_FOUND', 'The folder to write to does not exist.');
}
