import { existsSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { UPLOAD_RULES, uploadRetryDelayMs } from '@exam/domain';
import type { UploadChunkReply, UploadError } from '@exam/protocol';
import { listAnswerPackages } from '../exports/answerPackagesTable.js';
import type { SiteContext } from '../site/context.js';
import { acceptReceipt, ReceiptRefused } from './acceptReceipt.js';
import { ReceiverClient, ReceiverUnreachable } from './receiverClient.js';
import {
  getUpload,
  listPendingUploads,
  markFailed,
  markOffset,
  markUploading,
  queueUpload,
  type UploadKey,
  type UploadRow,
} from './uploadsTable.js';

/** Where the site uploads its answer packages (`--receiver-url`), and the pace (tests shrink it). */
export interface UploadOptions {
  receiverUrl: string;
  chunkBytes?: number;
  /** Chunks sent ahead of the last acknowledged one (1: stop-and-wait). */
  chunksInFlight?: number;
  firstRetryMs?: number;
  maxRetryMs?: number;
}

/** A refusal or failure of one attempt: the code goes into the row's last error. */
export class UploadFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UploadFailure';
  }
}

const refusal = (e: UploadError) =>
  new UploadFailure(e.code, e.reasons?.length ? `${e.message} (${e.reasons.join('; ')})` : e.message);

/** The same receiver disagreeing about the offset this often in one attempt is not a race. */
const MAX_OFFSET_CORRECTIONS = 3;

const keyOf = (r: UploadRow): UploadKey => ({ sittingId: r.sitting_id, sha256: r.sha256 });
const keyText = (k: UploadKey) => `${k.sittingId}\u0000${k.sha256}`;

/**
 * Uploads each sitting's final answer package to the centre's receiver, one at a time, in
 * chunks; after any failure it waits (1 s doubling to 60 s, with jitter) and asks the
 * receiver where to continue, so a dropped link resumes from the last byte stored. The
 * queue is the `uploads` table: a restarted server carries on from it, and queues any final
 * package written while it was not running. `receipt-verified` only once the receipt is
 * checked for this site, sitting and package.
 */
export class Uploader {
  private readonly client: ReceiverClient;
  private readonly chunkBytes: number;
  private readonly chunksInFlight: number;
  private readonly retry: { firstRetryMs: number; maxRetryMs: number };
  /** Real time before which a failed upload is not tried again (not kept: a restart retries at once). */
  private readonly retryAt = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly ctx: SiteContext,
    opts: UploadOptions,
  ) {
    this.chunkBytes = opts.chunkBytes ?? UPLOAD_RULES.chunkBytes;
    this.chunksInFlight = Math.max(1, Math.floor(opts.chunksInFlight ?? UPLOAD_RULES.chunksInFlight));
    this.client = new ReceiverClient(opts.receiverUrl, ctx.identity, this.chunksInFlight);
    this.retry = {
      firstRetryMs: opts.firstRetryMs ?? UPLOAD_RULES.firstRetryMs,
      maxRetryMs: opts.maxRetryMs ?? UPLOAD_RULES.maxRetryMs,
    };
  }

  get receiverUrl(): string {
    return this.client.url;
  }

  start(): void {
    this.ctx.events.on('answer-package-written', this.onWritten);
    this.queueFinalPackages();
    this.kick();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ctx.events.off('answer-package-written', this.onWritten);
    if (this.timer) clearTimeout(this.timer);
    // An upload cut here stays `uploading`: the next start asks the receiver where it was.
    this.abort.abort();
    await this.running?.catch(() => {});
    this.client.close();
  }

  /** Runs every upload that is due now (a new package, or a retry whose wait is over). */
  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.again = false;
    this.running = this.pump()
      .catch((e: unknown) => this.ctx.log.error({ err: e }, 'upload queue stopped'))
      .finally(() => {
        this.running = null;
        if (this.again) this.kick();
      });
  }

  // Called inside writeAnswerPackage: must never throw into the end of a sitting.
  private readonly onWritten = (p: { sittingId: string; finality: 'final' | 'interim' }) => {
    if (p.finality !== 'final') return;
    try {
      this.queueFinalPackages();
      this.kick();
    } catch (e) {
      this.ctx.log.error({ err: e, sittingId: p.sittingId }, 'final package not queued for upload');
    }
  };

  /** Every final package on record whose bytes are not queued yet. */
  private queueFinalPackages(): void {
    for (const p of listAnswerPackages(this.ctx.db)) {
      if (p.finality !== 'final' || !existsSync(p.path)) continue;
      const added = queueUpload(this.ctx.db, {
        sittingId: p.sittingId,
        sha256: p.sha256,
        path: p.path,
        size: statSync(p.path).size,
        at: this.ctx.clock.now(),
      });
      if (added)
        this.ctx.log.info({ sittingId: p.sittingId, sha256: p.sha256 }, 'answer package queued for upload');
    }
  }

  private nextDue(): UploadRow | undefined {
    const now = Date.now();
    return listPendingUploads(this.ctx.db).find((r) => (this.retryAt.get(keyText(keyOf(r))) ?? 0) <= now);
  }

  private async pump(): Promise<void> {
    for (let row = this.nextDue(); row && !this.closed; row = this.nextDue()) await this.attempt(row);
    if (this.closed) return;
    const waits = listPendingUploads(this.ctx.db).map((r) => this.retryAt.get(keyText(keyOf(r))) ?? 0);
    if (waits.length === 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), Math.max(0, Math.min(...waits) - Date.now()));
    this.timer.unref();
  }

  private async attempt(row: UploadRow): Promise<void> {
    const key = keyOf(row);
    try {
      await this.upload(row);
      this.retryAt.delete(keyText(key));
    } catch (e) {
      if (this.closed) return;
      const known =
        e instanceof UploadFailure || e instanceof ReceiverUnreachable || e instanceof ReceiptRefused;
      const code = known ? e.code : 'INTERNAL';
      const message = e instanceof Error ? e.message : String(e);
      markFailed(this.ctx.db, key, `${code}: ${message}`, this.ctx.clock.now());
      const now = getUpload(this.ctx.db, key);
      const failures = now?.attempts ?? 1;
      const wait = uploadRetryDelayMs(failures, Math.random(), this.retry);
      this.retryAt.set(keyText(key), Date.now() + wait);
      this.ctx.log.warn(
        { sittingId: key.sittingId, code, error: message, failures, retryInMs: wait },
        'upload failed',
      );
      this.progress(key, 'failed', now?.sent_offset ?? row.sent_offset, row.size);
    }
  }

  private async upload(row: UploadRow): Promise<void> {
    const key = keyOf(row);
    const signal = this.abort.signal;
    if (!existsSync(row.path) || statSync(row.path).size !== row.size) {
      throw new UploadFailure(
        'PACKAGE_CHANGED',
        `The package file ${basename(row.path)} is missing or changed.`,
      );
    }
    const started = await this.client.start(
      { sha256: row.sha256, size: row.size, fileName: basename(row.path) },
      signal,
    );
    if (!started.ok) throw refusal(started.error);
    if ('receipt' in started) {
      // These bytes were already received in full (the reply to `complete` was lost).
      this.verified(row, started.receipt);
      return;
    }
    const { uploadId } = started;
    let offset = started.offset;
    if (offset > row.size)
      throw new UploadFailure('BAD_REPLY', 'The receiver holds more bytes than the package has.');
    markUploading(this.ctx.db, key, { uploadId, offset, at: this.ctx.clock.now() });
    this.ctx.log.info(
      { sittingId: key.sittingId, uploadId, offset, size: row.size },
      offset > 0 ? 'upload resumed from the receiver’s offset' : 'upload started',
    );
    this.progress(key, 'uploading', offset, row.size);
    let corrections = 0;
    while (offset < row.size) {
      const sent = await this.sendWindowed(row, uploadId, offset, signal);
      if (sent.done) break;
      // A chunk refused for its offset (one whose reply was lost was stored anyway, or one
      // sent behind a chunk that failed): ask the receiver where it is, as on a resume.
      if (++corrections > MAX_OFFSET_CORRECTIONS) throw refusal(sent.refused);
      const again = await this.client.start(
        { sha256: row.sha256, size: row.size, fileName: basename(row.path) },
        signal,
      );
      if (!again.ok) throw refusal(again.error);
      if ('receipt' in again) {
        this.verified(row, again.receipt);
        return;
      }
      if (again.uploadId !== uploadId || again.offset > row.size)
        throw new UploadFailure('BAD_REPLY', 'The receiver answered for another upload.');
      offset = again.offset;
      this.ctx.log.info(
        { sittingId: key.sittingId, uploadId, offset },
        'upload continues at the receiver’s offset',
      );
    }
    const done = await this.client.complete(uploadId, signal);
    if (!done.ok) throw refusal(done.error);
    this.verified(row, done.receipt);
  }

  /**
   * Sends the package from `from` with up to `chunksInFlight` chunks unanswered on the one
   * connection, and commits each acknowledged offset in order. Every acknowledgement must be
   * exactly the end of its chunk: an offset above what was sent is never believed. Returns
   * `done`, or the refusal of a chunk for its offset (the caller asks the receiver where it
   * is). Any other failure throws; chunks still in flight are then abandoned, and the next
   * attempt asks the receiver where to continue.
   */
  private async sendWindowed(
    row: UploadRow,
    uploadId: string,
    from: number,
    outer: AbortSignal,
  ): Promise<{ done: true } | { done: false; refused: UploadError }> {
    const key = keyOf(row);
    // Chunks of this window only: abandoned together when one fails.
    const window = new AbortController();
    const stop = () => window.abort();
    outer.addEventListener('abort', stop);
    if (outer.aborted) window.abort();
    const inFlight: { end: number; reply: Promise<UploadChunkReply> }[] = [];
    const file = await open(row.path, 'r');
    try {
      let next = from;
      let acked = from;
      while (acked < row.size) {
        while (inFlight.length < this.chunksInFlight && next < row.size) {
          const length = Math.min(this.chunkBytes, row.size - next);
          const chunk = Buffer.alloc(length);
          const { bytesRead } = await file.read(chunk, 0, length, next);
          if (bytesRead !== length)
            throw new UploadFailure('PACKAGE_CHANGED', 'The package file shrank while uploading.');
          const reply = this.client.chunk(uploadId, next, chunk, window.signal);
          // Settled here too, so a reply never read (the window abandoned) is no unhandled rejection.
          reply.catch(() => {});
          next += length;
          inFlight.push({ end: next, reply });
        }
        const head = inFlight.shift();
        if (!head) break;
        const stored = await head.reply;
        if (!stored.ok) {
          if (stored.error.code === 'OFFSET_MISMATCH') return { done: false, refused: stored.error };
          throw refusal(stored.error);
        }
        if (stored.offset !== head.end) {
          throw new UploadFailure(
            'BAD_REPLY',
            'The receiver confirmed an offset that is not the end of the chunk sent.',
          );
        }
        acked = head.end;
        markOffset(this.ctx.db, key, acked, this.ctx.clock.now());
        this.progress(key, 'uploading', acked, row.size);
      }
      return { done: true };
    } finally {
      outer.removeEventListener('abort', stop);
      if (inFlight.length > 0) {
        window.abort();
        await Promise.allSettled(inFlight.map((c) => c.reply));
      }
      await file.close();
    }
  }

  private verified(row: UploadRow, signed: unknown): void {
    const receipt = acceptReceipt(this.ctx, row, signed, 'network');
    this.ctx.log.info(
      {
        sittingId: row.sitting_id,
        receiptId: receipt.receiptId,
        version: receipt.version,
        flagged: receipt.flagged,
      },
      'upload received by the centre, receipt verified',
    );
    this.progress(keyOf(row), 'receipt-verified', row.size, row.size);
  }

  private progress(key: UploadKey, state: string, offset: number, size: number): void {
    this.ctx.events.emit('upload-progress', { ...key, state, offset, size });
  }
}
