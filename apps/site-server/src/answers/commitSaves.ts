import { ANSWER_SEQ_WINDOW, endsAt, judgeChangeTime, timingFor } from '@exam/domain';
import type { AnswerChange } from '@exam/protocol';
import { getSyncState, updateSyncState } from '../candidates/candidateSittingsTable.js';
import type { Db } from '../db/open.js';
import { getRoomSitting } from '../sittings/roomSittingsTable.js';
import { getSittingMeta } from '../sittings/sittingsTable.js';
import type { AnsweredItems } from './answeredItems.js';
import { contiguousFrom, insertChange } from './answersTable.js';

export interface SaveRequest {
  roomId: string;
  ticketNo: string;
  sittingId: string;
  changes: AnswerChange[];
}

/** Why a save was refused and stored nothing (issue 16); the handler turns it into the error. */
export type SaveRefusal = 'SEQ_OUT_OF_WINDOW' | 'SEQ_CONFLICT' | 'AFTER_END' | 'HANDED_IN';

export interface SaveOutcome {
  ackSeq: number;
  /** Set when nothing of the request was stored: never acknowledge it. */
  refused?: SaveRefusal;
  /** Stored after the candidate's end or hand-in, made in time while the machine was offline. */
  lateArrival: boolean;
  /** The candidate's answered items after this save: their proctor tile's progress. */
  answered: number;
}

/** The highest n such that from+1..n are all among `changes`. */
function contiguousAmong(changes: readonly AnswerChange[], from: number): number {
  const seqs = new Set(changes.map((c) => c.seq));
  let ack = from;
  while (seqs.has(ack + 1)) ack++;
  return ack;
}

/** Thrown inside a save's savepoint to undo what it stored; caught in `apply`. */
class Refused extends Error {
  constructor(readonly reason: SaveRefusal) {
    super(reason);
  }
}

/**
 * The room's base end (start + the level's duration) of started sittings, per database: a
 * start is never undone and a level never changes, so each is read once, not per save.
 */
const baseEnds = new WeakMap<Db, Map<string, number>>();

function baseEndOf(db: Db, roomId: string, sittingId: string): number | null {
  let ends = baseEnds.get(db);
  if (!ends) {
    ends = new Map();
    baseEnds.set(db, ends);
  }
  const key = `${roomId}\u0000${sittingId}`;
  const known = ends.get(key);
  if (known !== undefined) return known;
  const rs = getRoomSitting(db, roomId, sittingId);
  const s = getSittingMeta(db, sittingId);
  if (!rs || rs.started_at === null || !s) return null;
  const end = endsAt(timingFor(s.level, rs.started_at, 0));
  ends.set(key, end);
  return end;
}

function apply(db: Db, answered: AnsweredItems, req: SaveRequest, at: number): SaveOutcome {
  const cs = getSyncState(db, req.ticketNo, req.sittingId);
  if (!cs) throw new Error(`no candidate sitting ${req.ticketNo}/${req.sittingId}`);
  const refused = (reason: SaveRefusal): SaveOutcome => ({
    ackSeq: cs.ack_seq,
    refused: reason,
    lateArrival: false,
    answered: cs.answered,
  });
  // A bounded window: no sequence far beyond what is stored (a claimed 10,000,000 would
  // leave a gap no honest machine fills, and every later acknowledgement stuck below it).
  const limit = Math.max(cs.max_seq, cs.ack_seq) + ANSWER_SEQ_WINDOW;
  if (req.changes.some((c) => c.seq > limit)) return refused('SEQ_OUT_OF_WINDOW');
  // The server's word on time: the candidate's end, their own hand-in, their machine's losses.
  const baseEnd = baseEndOf(db, req.roomId, req.sittingId);
  let lateArrival = false;
  if (baseEnd !== null) {
    for (const c of req.changes) {
      const verdict = judgeChangeTime({
        madeAt: c.madeAt,
        receivedAt: at,
        endsAt: baseEnd + cs.extension_ms,
        handedInAt: cs.hand_in_kind === 'manual' ? cs.handed_in_at : null,
        lastDownAt: cs.last_down_at,
        stillDown: cs.down_since !== null,
      });
      if (!verdict.ok) return refused(verdict.reason);
      lateArrival ||= verdict.lateArrival;
    }
  }
  const items = answered.of(db, req.ticketNo, req.sittingId);
  let max = cs.max_seq;
  let answeredDelta = 0;
  try {
    // A savepoint: a conflict undoes this request's rows only, not the batch's.
    db.transaction(() => {
      for (const c of req.changes) {
        const stored = insertChange(db, req.ticketNo, req.sittingId, c, at, lateArrival);
        if (stored === 'conflict') throw new Refused('SEQ_CONFLICT');
        if (stored === 'stored') answeredDelta += items.record(c);
        if (c.seq > max) max = c.seq;
      }
    })();
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    answered.forget(req.ticketNo, req.sittingId);
    return refused(e.reason);
  }
  // The usual save: nothing was stored above the acknowledgement, so what is stored above
  // it now is exactly this request's changes, and the new acknowledgement follows from
  // them without reading the rows back.
  const ackSeq =
    cs.max_seq <= cs.ack_seq
      ? contiguousAmong(req.changes, cs.ack_seq)
      : contiguousFrom(db, req.ticketNo, req.sittingId, cs.ack_seq);
  updateSyncState(db, req.ticketNo, req.sittingId, { ackSeq, maxSeq: max, answeredDelta }, at);
  return { ackSeq, lateArrival, answered: cs.answered + answeredDelta };
}

/**
 * Stores a batch of saves in one synchronous=FULL transaction: when this returns, every
 * change in it is fsync'd, and each outcome may be acknowledged. All or nothing: a failure
 * (a full disk) throws and stores none of the batch. A save refused on its own merits (a
 * sequence out of the window or in conflict, a change after the end or the hand-in) stores
 * nothing of itself and comes back with `refused`, leaving the others of its batch alone.
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
