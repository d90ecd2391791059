/**
 * What the site accepts of an answer change, beyond its shape (issue 16): how far its sequence
 * may run ahead of what is stored, and whether it was made within the candidate's time.
 */

/**
 * How far a change's sequence may run ahead of the highest one stored for its candidate and
 * sitting. The client sends its oldest unacknowledged changes first, at most 200 per message
 * (MAX_CHANGES_PER_SAVE) and one message at a time, so an honest machine is never more than
 * one message ahead of what the server holds; after a reset the new machine continues from
 * what the server holds. Five messages' worth leaves room for a journal that lost a few
 * acknowledgements, and still refuses a sequence of 10,000,000 that would make every later
 * save wait for a gap that is never filled.
 */
export const ANSWER_SEQ_WINDOW = 1000;

/**
 * How much later than the candidate's end a change may be stamped, or arrive, and still count
 * as in time. The machine stamps a change with its estimate of the server's clock (synced at
 * each connection, so off by about half a round trip) and the last change before time-up is
 * still on the wire when the end passes. Five seconds covers both on a loaded LAN and is far
 * below anything that would let a candidate keep writing.
 */
export const ANSWER_CLOCK_SKEW_MS = 5_000;

export interface ChangeTimeFacts {
  /** When the machine says the change was made (server clock, as the machine estimates it). */
  madeAt: number;
  /** When the server received it, on its own clock. */
  receivedAt: number;
  /** The candidate's end: start + duration + extensions (`endsAt`). */
  endsAt: number;
  /**
   * The candidate's own hand-in ("manual"), once the server has recorded it: every change
   * judged with it set reached the server after the hand-in.
   */
  handedInAt: number | null;
  /** The latest time the server recorded the candidate's machine as lost, if ever. */
  lastDownAt: number | null;
  /** The machine has not come back (login or resume) since it was last lost. */
  stillDown: boolean;
}

export type ChangeTimeVerdict =
  | { ok: true; lateArrival: boolean }
  | { ok: false; reason: 'AFTER_END' | 'HANDED_IN' };

/**
 * The server's word on time. A change stamped after the end (or the hand-in) is refused. One
 * that reaches the server after the end (or the hand-in) is kept only if it was made before
 * it and the machine was offline at some moment after it was made: it waited on a machine
 * cut off from the site, a late arrival. A machine the server saw connected all along had its chance.
 * The skew applies at the end only: a hand-in is the candidate's own act, on a machine that
 * sends everything first, and the answers it covered are recorded with it. (An automatic
 * hand-in is the end itself, stamped with it: pass `handedInAt: null` for it.)
 */
export function judgeChangeTime(f: ChangeTimeFacts): ChangeTimeVerdict {
  const handedIn = f.handedInAt !== null;
  const madeBy = f.handedInAt ?? f.endsAt;
  const closedAt = f.handedInAt ?? f.endsAt + ANSWER_CLOCK_SKEW_MS;
  const reason = handedIn ? 'HANDED_IN' : 'AFTER_END';
  if (f.madeAt > closedAt) return { ok: false, reason };
  // A hand-in recorded is one the server has applied: whatever it applies after reached it
  // after, whatever the clock says (the same millisecond included).
  if (!handedIn && f.receivedAt <= closedAt) return { ok: true, lateArrival: false };
  // Offline at some moment after the change was made: lost after it, or lost before it and
  // not back since (the candidate went on answering on a machine cut off from the site).
  const offlineSince = f.stillDown || (f.lastDownAt !== null && f.lastDownAt >= f.madeAt);
  return f.madeAt <= madeBy && offlineSince ? { ok: true, lateArrival: true } : { ok: false, reason };
}
