import type { SaveOutcome, SaveRequest } from './commitSaves.js';

export type { SaveOutcome, SaveRequest } from './commitSaves.js';

/** Stores a batch of saves durably (see `commitSaves`); resolves only after the fsync. */
export interface BatchWriter {
  write(saves: SaveRequest[], at: number): Promise<SaveOutcome[]>;
}

const emptyStats = () => ({
  saves: 0,
  batches: 0,
  roundTripMs: 0,
  maxQueue: 0,
  queuedMs: 0,
  maxQueuedMs: 0,
});

type Entry =
  | {
      kind: 'save';
      req: SaveRequest;
      queuedAt: number;
      resolve: (o: SaveOutcome) => void;
      reject: (e: unknown) => void;
    }
  | { kind: 'barrier'; run: () => void };
type PendingSave = Extract<Entry, { kind: 'save' }>;

/**
 * Group commit (ARCHITECTURE §9): saves arriving within `windowMs` share one
 * synchronous=FULL transaction, so one fsync covers many answers; saves arriving while a
 * batch is being written form the next one. Each save is resolved (and so acknowledged)
 * only after its batch's commit has returned.
 *
 * Everything queued is handled in arrival order: a barrier (`afterCommits`) runs once
 * every save queued before it is committed and before any queued after it is written, so
 * a hand-in sees exactly the answers that reached the server before it.
 */
export class GroupCommitter {
  private queue: Entry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing = false;
  batches = 0;
  private stats = emptyStats();

  constructor(
    private readonly writer: BatchWriter,
    private readonly now: () => number,
    private readonly windowMs = 2,
    private readonly maxBatch = 2000,
    private readonly onCommitted: (
      reqs: SaveRequest[],
      outcomes: SaveOutcome[],
      committedAt: number,
    ) => void = () => {},
  ) {}

  save(req: SaveRequest): Promise<SaveOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: 'save', req, queuedAt: performance.now(), resolve, reject });
      // While a batch is being written the pump takes this one up when it returns.
      if (this.writing) return;
      if (this.queue.length >= this.maxBatch) void this.pump();
      else if (!this.timer) this.timer = setTimeout(() => void this.pump(), this.windowMs);
    });
  }

  /**
   * Runs `fn` on this thread after every save queued before this call is committed, with
   * no batch being written while it runs; saves queued after it wait for it.
   */
  afterCommits<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        kind: 'barrier',
        run: () => {
          try {
            resolve(fn());
          } catch (e) {
            reject(e);
          }
        },
      });
      void this.pump();
    });
  }

  /**
   * Since the last call, for the stats log: batches, their round trips to the writer, and
   * each save's time from entering the queue to its commit returning (the server's own wait).
   */
  takeStats(): Record<string, number> {
    const s = this.stats;
    this.stats = emptyStats();
    const r2 = (x: number) => Math.round(x * 100) / 100;
    return {
      saves: s.saves,
      batches: s.batches,
      meanBatch: s.batches ? r2(s.saves / s.batches) : 0,
      meanRoundTripMs: s.batches ? r2(s.roundTripMs / s.batches) : 0,
      maxQueue: s.maxQueue,
      meanQueuedMs: s.saves ? r2(s.queuedMs / s.saves) : 0,
      maxQueuedMs: r2(s.maxQueuedMs),
    };
  }

  /** Resolves once everything queued now is committed (shutdown). */
  drain(): Promise<void> {
    return this.afterCommits(() => undefined);
  }

  private async pump(): Promise<void> {
    if (this.writing) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0]!;
        if (head.kind === 'barrier') {
          this.queue.shift();
          head.run();
          continue;
        }
        await this.commit(this.takeSaves());
      }
    } finally {
      this.writing = false;
    }
  }

  /** The saves at the head of the queue, up to the first barrier and `maxBatch`. */
  private takeSaves(): PendingSave[] {
    let n = 0;
    while (n < this.queue.length && n < this.maxBatch && this.queue[n]!.kind === 'save') n++;
    return this.queue.splice(0, n) as PendingSave[];
  }

  private async commit(batch: PendingSave[]): Promise<void> {
    const at = this.now();
    const reqs = batch.map((p) => p.req);
    const t0 = performance.now();
    this.stats.maxQueue = Math.max(this.stats.maxQueue, batch.length + this.queue.length);
    let outcomes: SaveOutcome[];
    try {
      outcomes = await this.writer.write(reqs, at);
    } catch (e) {
      for (const p of batch) p.reject(e);
      return;
    }
    this.batches++;
    this.stats.batches++;
    this.stats.saves += batch.length;
    const done = performance.now();
    this.stats.roundTripMs += done - t0;
    for (const p of batch) {
      this.stats.queuedMs += done - p.queuedAt;
      this.stats.maxQueuedMs = Math.max(this.stats.maxQueuedMs, done - p.queuedAt);
    }
    // The acknowledgements go out in later microtasks, so the committed changes reach the
    // room's console (onCommitted) before any candidate hears "stored".
    for (const [i, p] of batch.entries()) p.resolve(outcomes[i]!);
    this.onCommitted(reqs, outcomes, at);
  }
}
