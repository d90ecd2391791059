import type { Db } from './open.js';
import { writeTransaction } from './transactions.js';

interface Job {
  fn: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Main-thread writes whose reply can wait for a shared commit: every job queued in one turn
 * of the event loop runs, in order, inside one IMMEDIATE transaction, and one commit (one
 * fsync) settles them all; each job is answered only after that commit returned.
 *
 * Why: a login is one small fsync'd transaction, and 2,000 machines logging in at once
 * spent 2 s of the main thread waiting on 2,000 fsyncs (issue 16's login storm).
 *
 * A job's own `writeTransaction` calls become savepoints of the shared transaction, so a
 * job that throws inside one leaves nothing of it, and what it wrote in an earlier one (a
 * failed login's lock-out count) is kept and committed with the rest. Jobs run one after
 * the other on the main thread, as they would have without the sharing: each sees what the
 * jobs before it wrote. If the commit itself fails (a full disk), every job of the turn is
 * answered with that error and nothing of the turn is stored.
 */
export class SharedCommit {
  private jobs: Job[] = [];
  private scheduled = false;

  constructor(private readonly db: Db) {}

  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.jobs.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const jobs = this.jobs;
    this.jobs = [];
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      writeTransaction(this.db, () => {
        for (const job of jobs) {
          try {
            outcomes.push({ ok: true, value: job.fn() });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }
    jobs.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
  }
}
