import { type Level, SITTING_RULES } from './rules.js';

/**
 * The sitting clock is the server's (ARCHITECTURE §2): a candidate's end is the official
 * start + the level's duration + that candidate's cumulative extensions.
 */
export interface CandidateTiming {
  startedAt: number;
  durationMs: number;
  extensionMs: number;
  earliestHandInBeforeEndMs: number;
}

export function timingFor(level: Level, startedAt: number, extensionMs = 0): CandidateTiming {
  const rules = SITTING_RULES[level];
  return {
    startedAt,
    durationMs: rules.durationMs,
    extensionMs,
    earliestHandInBeforeEndMs: rules.earliestHandInBeforeEndMs,
  };
}

export function endsAt(t: CandidateTiming): number {
  return t.startedAt + t.durationMs + t.extensionMs;
}

/** Earliest hand-in follows the candidate's own end, so an extension moves it too. */
export function earliestHandInAt(t: CandidateTiming): number {
  return endsAt(t) - t.earliestHandInBeforeEndMs;
}

export function remainingMs(t: CandidateTiming, now: number): number {
  return Math.max(0, endsAt(t) - now);
}

export type HandInDecision =
  | { ok: true }
  | { ok: false; reason: 'TOO_EARLY'; earliestAt: number }
  | { ok: false; reason: 'NOT_STARTED' };

export function decideHandIn(t: CandidateTiming | null, now: number): HandInDecision {
  if (!t) return { ok: false, reason: 'NOT_STARTED' };
  const earliest = earliestHandInAt(t);
  if (now < earliest) return { ok: false, reason: 'TOO_EARLY', earliestAt: earliest };
  return { ok: true };
}

export function isTimeUp(t: CandidateTiming, now: number): boolean {
  return now >= endsAt(t);
}
