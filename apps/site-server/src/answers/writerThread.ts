import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { SaveOutcome, SaveRequest } from './commitSaves.js';
import type { BatchWriter } from './groupCommit.js';
import type { WriterReply, WriterRequest, WriterStart } from './writerMessages.js';

/** An error from the writer thread, with SQLite's code (SQLITE_FULL) kept for the handlers. */
export class AnswerWriteError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'AnswerWriteError';
  }
}

interface Waiting {
  resolve: (o: SaveOutcome[]) => void;
  reject: (e: unknown) => void;
}

/**
 * The main thread's handle on the answer writer thread (decision 0006). One request at a
 * time is enough: the group committer sends the next batch when this one returns.
 */
export class AnswerWriterThread implements BatchWriter {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private closing = false;
  private stats = { commits: 0, commitMs: 0, maxCommitMs: 0 };

  constructor(
    private readonly dbPath: string,
    private readonly log: Logger,
  ) {
    this.worker = this.spawn();
  }

  write(saves: SaveRequest[], at: number): Promise<SaveOutcome[]> {
    if (this.closing) return Promise.reject(new Error('the answer writer is closed'));
    // A thread that died is replaced on the next write, not in a loop: if it cannot open
    // the database, each batch fails with that error and nothing spins.
    this.worker ??= this.spawn();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker!.postMessage({ kind: 'commit', id, saves, at } satisfies WriterRequest);
    });
  }

  /** Time inside the thread's transactions (fsync included) since the last call. */
  takeStats(): { commits: number; meanCommitMs: number; maxCommitMs: number } {
    const s = this.stats;
    this.stats = { commits: 0, commitMs: 0, maxCommitMs: 0 };
    return {
      commits: s.commits,
      meanCommitMs: s.commits ? Math.round((s.commitMs / s.commits) * 100) / 100 : 0,
      maxCommitMs: Math.round(s.maxCommitMs * 100) / 100,
    };
  }

  /** Closes the thread's connection; the caller has drained the committer first. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const w = this.worker;
    if (!w) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5000);
      w.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      w.on('message', (r: WriterReply) => {
        if (r.kind === 'closed') void w.terminate();
      });
      w.postMessage({ kind: 'close' } satisfies WriterRequest);
    });
    this.worker = null;
  }

  private spawn(): Worker {
    const w = new Worker(new URL('./writerWorkerBoot.mjs', import.meta.url), {
      workerData: { dbPath: this.dbPath } satisfies WriterStart,
    });
    w.on('message', (r: WriterReply) => {
      if (r.kind !== 'committed' && r.kind !== 'failed') return;
      const waiter = this.waiting.get(r.id);
      if (!waiter) return;
      this.waiting.delete(r.id);
      if (r.kind === 'committed') {
        this.stats.commits++;
        this.stats.commitMs += r.tookMs;
        this.stats.maxCommitMs = Math.max(this.stats.maxCommitMs, r.tookMs);
        waiter.resolve(r.outcomes);
      } else waiter.reject(new AnswerWriteError(r.error.message, r.error.code));
    });
    let failure: { message: string; code: string | null } = { message: 'it exited', code: null };
    w.on('error', (e) => {
      this.log.error({ err: e }, 'answer writer thread failed');
      const code = (e as { code?: unknown }).code;
      failure = { message: e.message, code: typeof code === 'string' ? code : null };
    });
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = null;
      if (!this.closing) this.log.error({ code }, 'answer writer thread exited');
      // Nothing it was writing was acknowledged; the clients send it again.
      const lost = [...this.waiting.values()];
      this.waiting.clear();
      for (const waiter of lost) {
        waiter.reject(new AnswerWriteError(`The answer writer stopped: ${failure.message}`, failure.code));
      }
    });
    return w;
  }
}
