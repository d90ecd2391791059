import { type AnswerChange, isAnswered } from '@exam/protocol';
import type { Db } from '../db/open.js';
import { currentAnswers } from './answersTable.js';

/** One candidate sitting's items: the latest stored sequence of each, and whether it answers. */
export class CandidateItems {
  // seq * 2 + (answered ? 1 : 0): one number per item, not an object.
  constructor(private readonly latest: Map<string, number>) {}

  /**
   * Notes a change just stored; returns how the candidate's count of answered items moves
   * (-1, 0 or +1). An older change of an item than the one noted moves nothing.
   */
  record(c: AnswerChange): number {
    const prev = this.latest.get(c.itemId);
    if (prev !== undefined && Math.floor(prev / 2) >= c.seq) return 0;
    const answered = isAnswered(c.value) ? 1 : 0;
    this.latest.set(c.itemId, c.seq * 2 + answered);
    return answered - (prev === undefined ? 0 : prev % 2);
  }
}

/**
 * The answer writer's memory of each candidate's latest change per item, so that a save
 * knows how the candidate's answered count moves without reading the change log back (the
 * count lives on the candidate's sitting row: migration 0006). A candidate is read from the
 * database at their first save after the writer starts. The writer thread is the only one
 * storing changes, so this stays true to the database as long as every transaction it was
 * told about committed: after a failed one, `clear` it.
 */
export class AnsweredItems {
  private readonly byCandidate = new Map<string, CandidateItems>();

  constructor(private readonly maxCandidates = 10_000) {}

  /** Call before storing the candidate's changes in this transaction, not after. */
  of(db: Db, ticketNo: string, sittingId: string): CandidateItems {
    const key = `${ticketNo}\u0000${sittingId}`;
    const known = this.byCandidate.get(key);
    if (known) return known;
    const latest = new Map<string, number>();
    for (const a of currentAnswers(db, ticketNo, sittingId)) {
      latest.set(a.itemId, a.seq * 2 + (isAnswered(a.value) ? 1 : 0));
    }
    // Bounded for a long day of sittings: the oldest entry goes first (a finished sitting's
    // candidates stop saving); one that saves again is read back from the database.
    if (this.byCandidate.size >= this.maxCandidates) {
      const oldest = this.byCandidate.keys().next().value;
      if (oldest !== undefined) this.byCandidate.delete(oldest);
    }
    const items = new CandidateItems(latest);
    this.byCandidate.set(key, items);
    return items;
  }

  clear(): void {
    this.byCandidate.clear();
  }

  /** One candidate's memory, after a save of theirs was rolled back: read again next time. */
  forget(ticketNo: string, sittingId: string): void {
    this.byCandidate.delete(`${ticketNo}\u0000${sittingId}`);
  }
}
