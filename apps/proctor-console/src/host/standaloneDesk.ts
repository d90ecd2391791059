import { mkdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { sign } from '@exam/crypto';
import { displayFingerprint, standaloneConsentStatement } from '@exam/protocol';
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
  StandalonePackageView,
} from '../shared/api.js';
import { CollectQueue, type SendVerdict } from './collectQueue.js';
import { openProctorKey } from './proctorKey.js';
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
  }

  /** The picture a new renderer starts from. */
  push(): HostPush {
    return {
      type: 'standalone',
      packages: this.packages,
      queued: this.queued,
      lastQueuedOutcome: this.lastOutcome,
    };
  }

  /** A console signed in (again): the list is read, and files kept while offline are sent. */
  async onConnected(): Promise<void> {
    this.startRefresh();
    await this.drain().catch(() => {});
    await this.refresh().catch(() => {});
  }

  /** Reads the waiting files (at start, before any connection) so the count shows at once. */
  async loadQueue(): Promise<void> {
    if (!this.queue) return;
    this.queued = await this.queue.list();
    this.publish();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.packages = [];
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
    // Nothing is exported from this console's replica in this round (SA-spec.md): with the
    // site server unreachable the proctor is told so before a key is read.
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
    if (core?.connected) {
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
