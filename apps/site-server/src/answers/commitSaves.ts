import { getSyncState, updateSyncState } from '../candidates/candidateSittingsTable.js';
import type { Db } from '../db/open.js';
import type { AnsweredItems } from './answeredItems.js';
import { contiguousFrom, insertChange, type NewChange } from './answersTable.js';

export interface SaveRequest {
  roomId: string;
  ticketNo: string;
  sittingId: string;
  changes: NewChange[];
}

export interface SaveOutcome {
  ackSeq: number;
  afterHandIn: boolean;
  /** The candidate's answered items after this save: their proctor tile's progress. */
  answered: number;
}

/** The highest n such that from+1..n are all among `changes`. */
function contiguousAmong(changes: readonly NewChange[], from: number): number {
  const seqs = new Set(changes.map((c) => c.seq));
  let ack = from;
  while (seqs.has(ack + 1)) ack++;
  return ack;
}

function apply(db: Db, answered: AnsweredItems, req: SaveRequest, at: number): SaveOutcome {
  const cs = getSyncState(db, req.ticketNo, req.sittingId);
  if (!cs) throw new Error(`no candidate sitting ${req.ticketNo}/${req.sittingId}`);
  const afterHandIn = cs.status === 'handed-in';
  const items = answered.of(db, req.ticketNo, req.sittingId);
  let max = cs.max_seq;
  let answeredDelta = 0;
  for (const c of req.changes) {
    if (insertChange(db, req.ticketNo, req.sittingId, c, at, afterHandIn)) answeredDelta += items.record(c);
    if (c.seq > max) max = c.seq;
  }
  // The usual save: nothing was stored above the acknowledgement, so what is stored above
  // it now is exactly this request's changes, and the new acknowledgement follows from
  // them without reading the rows back.
  const ackSeq =
    cs.max_seq <= cs.ack_seq
      ? contiguousAmong(req.changes, cs.ack_seq)
      : contiguousFrom(db, req.ticketNo, req.sittingId, cs.ack_seq);
  updateSyncState(db, req.ticketNo, req.sittingId, { ackSeq, maxSeq: max, answeredDelta }, at);
  return { ackSeq, afterHandIn, answered: cs.answered + answeredDelta };
}

/**
 * Stores a batch of saves in one synchronous=FULL transaction: when this returns, every
 * change in it is fsync'd, and each outcome may be acknowledged. All or nothing: a failure
 * (a full disk) throws and stores none of the batch.
 *
 * IMMEDIATE because the main thread's connection writes the same file (decision 0006): the
 * candidate rows read here must be the ones the batch updates. Per change, one row is
 * written to the change log; per save, the candidate's sitting row (acknowledgement and
 * answered count, which `answered` follows in memory and forgets if the batch fails).
 */
export function commitSaves(
  db: Db,
  answered: AnsweredItems,
  reqs: readonly SaveRequest[],
  at: number,
): SaveOutcome[] {
  try {
    return db.transaction(() => reqs.map((r) => apply(db, answered, r, at))).immediate();
  } catch (e) {
    answered.clear();
    throw e;
  }
}
