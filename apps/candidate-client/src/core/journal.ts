import type { AnswerValue, ServerAnswer } from '@exam/protocol';
import {
  countUnacked,
  deleteAckedExcept,
  deleteAllOf,
  deleteUpTo,
  insertChange,
  latestPerItem,
  markAcked,
  markUnackedAbove,
  maxSeq,
  unackedChanges,
} from './journal/changesTable.js';
import { type Db, openJournalDb } from './journal/openDb.js';
import {
  countRetiredUnacked,
  deleteRetired,
  insertRetired,
  listRetired,
} from './journal/retiredSessionsTable.js';
import { deleteSession, getSession, putSession } from './journal/sessionTable.js';
import { deleteIdleSyncStates, getSyncState, raiseAck, setSyncState } from './journal/syncStateTable.js';
import type {
  CurrentAnswer,
  JournalChange,
  RetiredSession,
  SittingRef,
  StoredSession,
} from './journal/types.js';

export interface JournalOptions {
  /** Stamps a change's `madeAt`; the core passes its server-clock estimate. */
  now?: () => number;
}

/**
 * The local-first answer store (ARCHITECTURE §1, §9). Every method is synchronous and each
 * write is one fsync'd transaction, so when `append` returns the change survives a crash of
 * the client, the machine or the network. Nothing here assumes the server has anything:
 * only `markAckedUpTo` (an acknowledgement) and `adoptServerState` (the server saying what
 * it holds) ever set `acked`.
 */
export class AnswerJournal {
  private readonly now: () => number;

  private constructor(
    private readonly db: Db,
    opts: JournalOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  static open(path: string, opts: JournalOptions = {}): AnswerJournal {
    return new AnswerJournal(openJournalDb(path), opts);
  }

  /** The sequence the next change will get: above anything stored here or held by the server. */
  nextSeq(ref: SittingRef): number {
    const sync = getSyncState(this.db, ref);
    return Math.max(maxSeq(this.db, ref), sync.ack_seq, sync.seq_floor) + 1;
  }

  /**
   * Journals one change. The sequence is assigned inside the same IMMEDIATE transaction
   * as the insert, so two appends can never share one.
   */
  append(
    ref: SittingRef,
    itemId: string,
    value: AnswerValue,
    flagged = false,
    madeAt = this.now(),
  ): JournalChange {
    return this.db
      .transaction((): JournalChange => {
        const change: JournalChange = {
          ticketNo: ref.ticketNo,
          sittingId: ref.sittingId,
          seq: this.nextSeq(ref),
          itemId,
          value,
          flagged,
          // made_at is a STRICT INTEGER column (and an integer on the wire); a
          // monotonic-based clock has fractions.
          madeAt: Math.floor(madeAt),
          acked: false,
        };
        insertChange(this.db, change);
        return change;
      })
      .immediate();
  }

  /** The server acknowledged every sequence up to `ackSeq`. Acks only move forward. */
  markAckedUpTo(ref: SittingRef, ackSeq: number): void {
    this.db.transaction(() => {
      markAcked(this.db, ref, ackSeq);
      raiseAck(this.db, ref, ackSeq);
    })();
  }

  /** The oldest changes not yet acknowledged, in sequence order. */
  unacked(ref: SittingRef, limit: number): JournalChange[] {
    return unackedChanges(this.db, ref, limit);
  }

  pendingCount(ref: SittingRef): number {
    return countUnacked(this.db, ref);
  }

  ackSeq(ref: SittingRef): number {
    return getSyncState(this.db, ref).ack_seq;
  }

  currentAnswers(ref: SittingRef): CurrentAnswer[] {
    return latestPerItem(this.db, ref);
  }

  /**
   * Takes the server's word for everything up to the highest sequence it holds: after a
   * reset onto this machine that restores every answer, and on a resume it settles acks
   * lost with a dropped connection. Local changes above that are kept and marked unacked so
   * they are (re)sent, and no later change may reuse a sequence the server already holds.
   *
   * Never beyond this machine's own highest sequence while it holds unacknowledged changes
   * (issue 16): a server claiming to hold more than this machine ever sent while some of its
   * changes await an acknowledgement is not believed for those (a forged reply of
   * `ackSeq: 10000000` would otherwise delete answers no server ever stored). They stay and
   * are sent again; the real server stores them or refuses them, and they are never dropped.
   * Nothing else of such a reply is taken either (its answers, its floor for new sequences).
   * Returns whether the claim was such an impossible one, for the caller to log.
   */
  adoptServerState(ref: SittingRef, ackSeq: number, answers: readonly ServerAnswer[]): boolean {
    const serverMax = answers.reduce((m, a) => Math.max(m, a.seq), ackSeq);
    const at = Math.floor(this.now());
    const ownMax = maxSeq(this.db, ref);
    const ownAck = getSyncState(this.db, ref).ack_seq;
    const suspicious = serverMax > ownMax && countUnacked(this.db, ref) > 0;
    // Below this the server's word replaces what is here; above it, this machine's own stays.
    const trusted = suspicious ? ownAck : serverMax;
    this.db.transaction(() => {
      deleteUpTo(this.db, ref, trusted);
      for (const a of answers) {
        // Nothing of a claim not believed is taken: its answers and its sequence floor.
        if (a.seq > trusted) continue;
        // The server sends no time with its answers; they are acknowledged and never sent
        // again, so the time they were adopted stands in for it.
        insertChange(this.db, { ...ref, ...a, madeAt: at, acked: true });
      }
      markUnackedAbove(this.db, ref, trusted);
      setSyncState(this.db, ref, suspicious ? ownAck : ackSeq, suspicious ? ownMax : serverMax);
    })();
    return suspicious;
  }

  /**
   * Makes `session` the current one. Should it be a session this machine retired (the same
   * candidate and sitting again), its leftovers go with the session's own saves from now on.
   */
  saveSession(session: StoredSession): void {
    this.db.transaction(() => {
      putSession(this.db, session);
      deleteRetired(this.db, session);
    })();
  }

  loadSession(): StoredSession | null {
    return getSession(this.db);
  }

  /** Forgets the session only: unacked answers stay on disk for the proctor to recover. */
  clearSession(): void {
    deleteSession(this.db);
  }

  /**
   * The machine moves on from the current session (its candidate handed in, or the sitting
   * ended) to the next login. The session row goes; while any of its changes is
   * unacknowledged the session waits in `retired_sessions` with what delivering them needs.
   * Acknowledged changes of past sittings go too: the server holds them. One transaction,
   * so a crash leaves the session current or retired, never lost. Returns the retired
   * session, or null when nothing was left to deliver (or there was no session).
   */
  retireSession(): RetiredSession | null {
    return this.db
      .transaction((): RetiredSession | null => {
        const s = getSession(this.db);
        if (!s) return null;
        const ref: SittingRef = { ticketNo: s.ticketNo, sittingId: s.sittingId };
        deleteSession(this.db);
        let retired: RetiredSession | null = null;
        if (countUnacked(this.db, ref) > 0) {
          retired = {
            ...ref,
            sessionToken: s.sessionToken,
            serverUrl: s.serverUrl,
            retiredAt: Math.floor(this.now()),
          };
          insertRetired(this.db, retired);
        }
        deleteAckedExcept(this.db, null);
        deleteIdleSyncStates(this.db, null);
        return retired;
      })
      .immediate();
  }

  /** Retired sessions with changes still to deliver, oldest first. */
  retiredSessions(): RetiredSession[] {
    return listRetired(this.db);
  }

  /** Changes of retired sessions the server has not acknowledged yet. */
  retiredPendingCount(): number {
    return countRetiredUnacked(this.db);
  }

  /**
   * Forgets a retired session once the server has acknowledged every one of its changes,
   * with those changes; while any is unacknowledged it stays. Returns whether it went.
   */
  settleRetired(ref: SittingRef): boolean {
    return this.db.transaction((): boolean => {
      if (countUnacked(this.db, ref) > 0) return false;
      deleteRetired(this.db, ref);
      deleteAllOf(this.db, ref);
      const current = getSession(this.db);
      deleteIdleSyncStates(this.db, current && { ticketNo: current.ticketNo, sittingId: current.sittingId });
      return true;
    })();
  }

  /** `ok`, or SQLite's report of what is damaged (ARCHITECTURE §9). */
  quickCheck(): string {
    return String(this.db.pragma('quick_check', { simple: true }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
