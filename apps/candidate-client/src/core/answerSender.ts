import { type AnswerChange, MAX_CHANGES_PER_SAVE, type SaveResult } from '@exam/protocol';
import { Backoff, type BackoffOptions } from './backoff.js';
import { CoreError, LOCAL_ERROR_CODES } from './errors.js';
import type { RetiredSession, SittingRef } from './journal/types.js';
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
  /** Sessions this machine moved on from with changes still to deliver, oldest first. */
  leftovers(): RetiredSession[];
  /** answer:deliver: a retired session's changes, under its own token. */
  deliver(session: RetiredSession, changes: AnswerChange[]): Promise<SaveResult>;
  /** After a delivery was acknowledged (and journalled): the session may be settled. */
  onDelivered(session: RetiredSession, ackSeq: number): void;
  retry?: BackoffOptions;
}

/**
 * Refusals that another try on the same connection would only repeat: the session is void
 * (a reset), not this sitting's, or its changes do not fit the paper. The changes stay in the
 * journal and are offered again on the next connection; nothing is dropped.
 */
const REFUSED_FOR_THIS_CONNECTION: ReadonlySet<string> = new Set([
  'SESSION_INVALID',
  'FORBIDDEN',
  'UNKNOWN_ITEM',
  'INVALID_MESSAGE',
  'SITTING_NOT_STARTED',
  'UNKNOWN_SITTING',
]);

const keyOf = (ref: SittingRef) => `${ref.ticketNo}\u0000${ref.sittingId}`;

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
  /** Retired sessions the server refused on this connection; tried again on the next. */
  private readonly refused = new Set<string>();

  constructor(private readonly deps: AnswerSenderDeps) {
    this.backoff = new Backoff(deps.retry);
  }

  /**
   * Sends the next batch if there is one and nothing is in flight. Cheap to call often. The
   * current session's backlog goes first (its candidate is answering); then the leftovers of
   * sessions this machine moved on from, whoever is logged in now.
   */
  kick(): void {
    if (this.stopped || this.inFlight || this.retryTimer || !this.deps.ready()) return;
    const ref = this.deps.target();
    if (ref) {
      const batch = this.deps.journal.unacked(ref, MAX_CHANGES_PER_SAVE);
      if (batch.length > 0) {
        this.inFlight = true;
        void this.sendBatch(ref, batch, (changes) => this.deps.send(ref.sittingId, changes));
        return;
      }
      this.settleWaiters(ref);
    }
    for (const session of this.deps.leftovers()) {
      if (this.refused.has(keyOf(session))) continue;
      const batch = this.deps.journal.unacked(session, MAX_CHANGES_PER_SAVE);
      if (batch.length === 0) {
        this.deps.onDelivered(session, this.deps.journal.ackSeq(session));
        continue;
      }
      this.inFlight = true;
      void this.sendBatch(session, batch, (changes) => this.deps.deliver(session, changes), session);
      return;
    }
  }

  /** A fresh connection: retry now rather than at the end of an old backoff. */
  onReady(): void {
    this.cancelRetry();
    this.backoff.reset();
    this.refused.clear();
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

  private async sendBatch(
    ref: SittingRef,
    batch: ReturnType<AnswerJournal['unacked']>,
    send: (changes: AnswerChange[]) => Promise<SaveResult>,
    retired?: RetiredSession,
  ): Promise<void> {
    let progressed = false;
    let offline = false;
    let refused = false;
    try {
      // The change itself goes; whose it is, the message says, and `acked` is this machine's.
      const changes = batch.map(({ ticketNo, sittingId, acked, ...change }) => change);
      const reply = await send(changes);
      if (this.stopped) return;
      // An acknowledgement covers at most what this batch carried: a higher number (a rogue
      // or confused server) must not mark changes it never received, which the journal
      // would then count as delivered and prune.
      const ackSeq = Math.min(reply.ackSeq, Math.max(...batch.map((c) => c.seq)));
      this.deps.journal.markAckedUpTo(ref, ackSeq);
      // Progress means the first change of the batch is now acknowledged; an ack stuck
      // below it (the server refusing or missing something) must not become a hot loop.
      progressed = ackSeq >= batch[0]!.seq;
      if (retired) this.deps.onDelivered(retired, ackSeq);
      else this.deps.onAcked(ref, ackSeq);
    } catch (e) {
      if (this.stopped) return;
      offline = e instanceof CoreError && e.code === LOCAL_ERROR_CODES.OFFLINE;
      // A refused leftover waits for the next connection and does not hold up the rest.
      refused = retired !== undefined && e instanceof CoreError && REFUSED_FOR_THIS_CONNECTION.has(e.code);
      if (refused) this.refused.add(keyOf(ref));
      this.deps.onFailed(e);
    } finally {
      this.inFlight = false;
    }
    if (progressed || refused) {
      if (progressed) this.backoff.reset();
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
