import { type AnswerChange, MAX_CHANGES_PER_SAVE, type SaveResult } from '@exam/protocol';
import { Backoff, type BackoffOptions } from './backoff.js';
import { CoreError, LOCAL_ERROR_CODES } from './errors.js';
import type { SittingRef } from './journal/types.js';
import type { AnswerJournal } from './journal.js';

export interface AnswerSenderDeps {
  journal: AnswerJournal;
  /** Whose backlog to send now, or null when nobody is logged in. */
  target(): SittingRef | null;
  /** Connected, registered and resumed: a save would be accepted. */
  ready(): boolean;
  send(sittingId: string, changes: AnswerChange[]): Promise<SaveResult>;
  onAcked(ref: SittingRef, ackSeq: number): void;
  onFailed(error: unknown): void;
  retry?: BackoffOptions;
}

interface Waiter {
  resolve(): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Sends the journal's backlog (ARCHITECTURE §1): the oldest unacknowledged changes first,
 * at most MAX_CHANGES_PER_SAVE per message and one message in flight. Changes made while a
 * batch is out simply wait in the journal and go with the next one, so a burst of edits
 * coalesces instead of queueing one message each. The journal, not this class, is the
 * queue: nothing is held only in memory.
 */
export class AnswerSender {
  private inFlight = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly backoff: Backoff;
  private readonly waiters = new Set<Waiter>();
  private stopped = false;

  constructor(private readonly deps: AnswerSenderDeps) {
    this.backoff = new Backoff(deps.retry);
  }

  /** Sends the next batch if there is one and nothing is in flight. Cheap to call often. */
  kick(): void {
    if (this.stopped || this.inFlight || this.retryTimer) return;
    const ref = this.deps.target();
    if (!ref || !this.deps.ready()) return;
    const batch = this.deps.journal.unacked(ref, MAX_CHANGES_PER_SAVE);
    if (batch.length === 0) {
      this.settleWaiters(ref);
      return;
    }
    this.inFlight = true;
    void this.sendBatch(ref, batch);
  }

  /** A fresh connection: retry now rather than at the end of an old backoff. */
  onReady(): void {
    this.cancelRetry();
    this.backoff.reset();
    this.kick();
  }

  /** Resolves once every change of the current target is acknowledged. */
  drained(timeoutMs: number): Promise<void> {
    const ref = this.deps.target();
    if (!ref || this.deps.journal.pendingCount(ref) === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(
            new CoreError(LOCAL_ERROR_CODES.TIMEOUT, 'Some answers are not yet acknowledged by the server.'),
          );
        }, timeoutMs),
      };
      this.waiters.add(waiter);
      this.kick();
    });
  }

  /** Fails anyone waiting for the backlog, e.g. because the connection dropped. */
  failWaiters(error: Error): void {
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(error);
    }
    this.waiters.clear();
  }

  stop(): void {
    this.stopped = true;
    this.cancelRetry();
    this.failWaiters(new CoreError(LOCAL_ERROR_CODES.CLOSED, 'The candidate core was closed.'));
  }

  private async sendBatch(ref: SittingRef, batch: ReturnType<AnswerJournal['unacked']>): Promise<void> {
    let progressed = false;
    let offline = false;
    try {
      const changes = batch.map((c) => ({
        seq: c.seq,
        itemId: c.itemId,
        value: c.value,
        flagged: c.flagged,
      }));
      const { ackSeq } = await this.deps.send(ref.sittingId, changes);
      if (this.stopped) return;
      this.deps.journal.markAckedUpTo(ref, ackSeq);
      // Progress means the first change of the batch is now acknowledged; an ack stuck
      // below it (the server refusing or missing something) must not become a hot loop.
      progressed = ackSeq >= batch[0]!.seq;
      this.deps.onAcked(ref, ackSeq);
    } catch (e) {
      if (this.stopped) return;
      offline = e instanceof CoreError && e.code === LOCAL_ERROR_CODES.OFFLINE;
      this.deps.onFailed(e);
    } finally {
      this.inFlight = false;
    }
    if (progressed) {
      this.backoff.reset();
      this.kick();
    } else if (!offline) {
      // Offline needs no timer: the next connection calls onReady.
      this.scheduleRetry();
    }
  }

  private settleWaiters(ref: SittingRef): void {
    if (this.waiters.size === 0 || this.deps.journal.pendingCount(ref) !== 0) return;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve();
    }
    this.waiters.clear();
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.kick();
    }, this.backoff.next());
  }

  private cancelRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
