import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import { sha256Hex } from '@exam/crypto';
import { siteLocalDate, siteTimeStamp, UPLOAD_RULES, uploadRetryDelayMs } from '@exam/domain';
import { ERROR_CODES, ProtocolError } from '@exam/protocol';
import { appendAudit } from '../audit/auditLog.js';
import { writeTransaction } from '../db/transactions.js';
import { listAnswerPackages } from '../exports/answerPackagesTable.js';
import type { SiteContext } from '../site/context.js';
import { writeFileDurably } from '../site/durableFile.js';
import { getMeta } from '../site/metaTable.js';
import { getSittingMeta } from '../sittings/sittingsTable.js';
import { sealSiteBackup, verifyBackupFile } from './backupSeal.js';
import {
  backupPathTaken,
  failUnfinishedBackups,
  listSiteBackupsOf,
  markBackupFailed,
  markBackupVerified,
  startBackup,
} from './backupsTable.js';
import { snapshotDatabase } from './databaseSnapshot.js';

export interface SiteBackupOptions {
  /** `<dataDir>/backups`: where the sealed files go. */
  dir: string;
  /** The wait after a failure, doubling up to the maximum (tests shrink it). */
  firstRetryMs?: number;
  maxRetryMs?: number;
}

export interface SiteBackupResult {
  backupId: number;
  sittingId: string | null;
  path: string;
  sha256: string;
  size: number;
  madeAt: number;
  verifiedAt: number;
  /** How long each step took, in real milliseconds (the bench reports them). */
  timings: { snapshotMs: number; sealMs: number; writeMs: number; verifyMs: number };
}

const running = new WeakMap<SiteContext, SiteBackups>();

/** The site's backup job, for the admin routes (null before the server built one). */
export function siteBackupsOf(ctx: SiteContext): SiteBackups | null {
  return running.get(ctx) ?? null;
}

/**
 * The site database's backup after every sitting (issue 18): when a sitting's final answer
 * package is written, and on the admin's demand. One backup at a time; a failure is recorded
 * (row `failed`, audit event) and the sitting's backup is made again after a wait (1 s
 * doubling to 60 s), never blocking the exam. A restarted server makes the backups a final
 * package is still waiting for.
 */
export class SiteBackups {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Sittings whose backup starts on the next turn of the loop: queued, for `idle`. */
  private readonly startingNow = new Set<string>();
  private closed = false;
  private readonly retry: { firstRetryMs: number; maxRetryMs: number };

  constructor(
    private readonly ctx: SiteContext,
    private readonly opts: SiteBackupOptions,
  ) {
    this.retry = {
      firstRetryMs: opts.firstRetryMs ?? UPLOAD_RULES.firstRetryMs,
      maxRetryMs: opts.maxRetryMs ?? UPLOAD_RULES.maxRetryMs,
    };
    running.set(ctx, this);
  }

  get dir(): string {
    return this.opts.dir;
  }

  start(): void {
    const cut = failUnfinishedBackups(this.ctx.db);
    if (cut > 0) this.ctx.log.warn({ cut }, 'backups cut by a stop marked failed');
    this.ctx.events.on('answer-package-written', this.onWritten);
    for (const sittingId of this.sittingsWaiting()) this.schedule(sittingId, 0);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.ctx.events.off('answer-package-written', this.onWritten);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.startingNow.clear();
    await this.chain.catch(() => {});
    running.delete(this.ctx);
  }

  /** Waits until every backup queued so far has finished (made or failed). */
  async idle(): Promise<void> {
    while (this.startingNow.size > 0) await new Promise((resolve) => setImmediate(resolve));
    await this.chain.catch(() => {});
  }

  /**
   * A backup now (the admin's button): of `sittingId` when given, else of the site as it
   * stands. Resolves once it is written and verified; a failure is recorded and thrown.
   */
  backupNow(sittingId: string | null): Promise<SiteBackupResult> {
    if (sittingId !== null && !getSittingMeta(this.ctx.db, sittingId)) {
      return Promise.reject(new ProtocolError(ERROR_CODES.UNKNOWN_SITTING, `Unknown sitting ${sittingId}.`));
    }
    return this.enqueue(() => this.make(sittingId));
  }

  // Called inside writeAnswerPackage: must never throw into the end of a sitting.
  private readonly onWritten = (p: { sittingId: string; finality: 'final' | 'interim' }) => {
    if (p.finality !== 'final') return;
    this.schedule(p.sittingId, 0);
  };

  /** Sittings with a final package and no verified backup yet. */
  private sittingsWaiting(): string[] {
    const finals = new Set(
      listAnswerPackages(this.ctx.db)
        .filter((p) => p.finality === 'final')
        .map((p) => p.sittingId),
    );
    return [...finals].filter(
      (id) => !listSiteBackupsOf(this.ctx.db, id).some((b) => b.state === 'verified'),
    );
  }

  private schedule(sittingId: string, delayMs: number): void {
    if (this.closed) return;
    const old = this.timers.get(sittingId);
    if (old) clearTimeout(old);
    if (delayMs === 0) this.startingNow.add(sittingId);
    else this.startingNow.delete(sittingId);
    const timer = setTimeout(() => {
      this.timers.delete(sittingId);
      this.startingNow.delete(sittingId);
      this.enqueue(() => this.make(sittingId)).then(
        () => this.failures.delete(sittingId),
        () => {
          const failures = (this.failures.get(sittingId) ?? 0) + 1;
          this.failures.set(sittingId, failures);
          this.schedule(sittingId, uploadRetryDelayMs(failures, Math.random(), this.retry));
        },
      );
    }, delayMs);
    timer.unref();
    this.timers.set(sittingId, timer);
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const next = this.chain
      .catch(() => {})
      .then(() => {
        if (this.closed) throw new ProtocolError(ERROR_CODES.NOT_READY, 'The server is stopping.');
        return job();
      });
    this.chain = next.catch(() => {});
    return next;
  }

  private async make(sittingId: string | null): Promise<SiteBackupResult> {
    const { ctx } = this;
    const madeAt = ctx.clock.now();
    const path = this.freePath(
      `site-${sittingId ?? 'on-demand'}-${siteTimeStamp(madeAt, { seconds: true })}`,
    );
    const id = startBackup(ctx.db, {
      kind: 'site',
      sittingId,
      roomId: null,
      day: siteLocalDate(madeAt),
      path,
      at: madeAt,
    });
    const snapshotPath = `${path}.snapshot`;
    try {
      const t0 = performance.now();
      mkdirSync(this.opts.dir, { recursive: true });
      await snapshotDatabase(ctx.db, snapshotPath);
      const snapshot = await readFile(snapshotPath);
      // Each synchronous step (seal, write, check) gets a turn of its own: between them the
      // server answers what arrived meanwhile, instead of holding the loop for all of them.
      await turn();
      const t1 = performance.now();
      const sealed = sealSiteBackup(
        ctx,
        snapshot,
        {
          examId: getMeta(ctx.db, 'examId'),
          siteId: getMeta(ctx.db, 'siteId'),
          sittingId,
          madeAt: new Date(madeAt).toISOString(),
        },
        madeAt,
      );
      const t2 = performance.now();
      await turn();
      writeFileDurably(path, sealed);
      const t3 = performance.now();
      // Verified from the disk, not from memory: what the province will get is what is checked.
      const written = await readFile(path);
      if (!written.equals(sealed))
        throw new Error('The backup file read back differs from what was written.');
      await turn();
      const sha256 = sha256Hex(written);
      await turn();
      verifyBackupFile(written, {
        trustedRootPem: ctx.identity.trustedRootPem,
        kind: 'site-backup',
        signerRoles: ['site'],
        at: madeAt,
      });
      const t4 = performance.now();
      rmSync(snapshotPath, { force: true });
      const verifiedAt = ctx.clock.now();
      writeTransaction(ctx.db, () => {
        markBackupVerified(ctx.db, id, { sha256, size: written.length, madeAt, at: verifiedAt });
        appendAudit(ctx.db, verifiedAt, {
          actorRole: 'system',
          actorId: 'site',
          action: 'backup.site.verified',
          subject: sittingId ?? 'site',
          data: { file: basename(path), sha256, size: written.length },
        });
      });
      ctx.log.info({ sittingId, path, sha256, size: written.length }, 'site backup made and verified');
      return {
        backupId: id,
        sittingId,
        path,
        sha256,
        size: written.length,
        madeAt,
        verifiedAt,
        timings: { snapshotMs: t1 - t0, sealMs: t2 - t1, writeMs: t3 - t2, verifyMs: t4 - t3 },
      };
    } catch (e) {
      try {
        rmSync(snapshotPath, { force: true });
      } catch {
        // Nothing to remove where the folder could not be made.
      }
      const message = e instanceof Error ? e.message : String(e);
      try {
        writeTransaction(ctx.db, () => {
          markBackupFailed(ctx.db, id, message);
          appendAudit(ctx.db, ctx.clock.now(), {
            actorRole: 'system',
            actorId: 'site',
            action: 'backup.site.failed',
            subject: sittingId ?? 'site',
            data: { file: basename(path), error: message.slice(0, 500) },
          });
        });
      } catch (recordError) {
        ctx.log.error({ err: recordError, backupId: id }, 'backup failure not recorded');
      }
      ctx.log.warn({ sittingId, error: message }, 'site backup failed');
      throw e;
    }
  }

  private freePath(base: string): string {
    for (let n = 1; ; n++) {
      const path = join(this.opts.dir, `${base}${n === 1 ? '' : `-${n}`}.exambak`);
      // Two backups in one second get two names, even if the first file is gone.
      if (!existsSync(path) && !backupPathTaken(this.ctx.db, path)) return path;
    }
  }
}
