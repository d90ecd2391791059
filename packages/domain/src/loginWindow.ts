import { RULES } from './rules.js';

export interface LoginWindowInput {
  scheduledStart: number;
  /** Set once the start command is given; late entry counts from it or the schedule, the later. */
  startedAt: number | null;
  lateEntryCutoffMs?: number;
  /** The proctor opens login explicitly; the window is the outer limit. */
  openedByProctor: boolean;
}

export type LoginDecision =
  | { ok: true }
  | { ok: false; reason: 'LOGIN_NOT_OPEN' | 'LATE_ENTRY_CLOSED'; at?: number };

export function loginOpensAt(scheduledStart: number): number {
  return scheduledStart - RULES.loginOpensBeforeStartMs;
}

export function decideLogin(w: LoginWindowInput, now: number): LoginDecision {
  if (!w.openedByProctor) return { ok: false, reason: 'LOGIN_NOT_OPEN' };
  const cutoff = lateEntryCutoffAt(w);
  if (cutoff !== null && now > cutoff) return { ok: false, reason: 'LATE_ENTRY_CLOSED', at: cutoff };
  return { ok: true };
}

/**
 * The late-entry cut-off counts from the scheduled start or the actual start, whichever is
 * later: a delayed start gives arrivals the full grace from the real start, and no start
 * can shorten it below the published time. Null until the sitting has started.
 */
export function lateEntryCutoffAt(
  w: Pick<LoginWindowInput, 'scheduledStart' | 'startedAt' | 'lateEntryCutoffMs'>,
): number | null {
  if (w.startedAt === null) return null;
  return Math.max(w.scheduledStart, w.startedAt) + (w.lateEntryCutoffMs ?? RULES.defaultLateEntryCutoffMs);
}

/** Whether a proctor may open login now: from about 30 minutes before the scheduled start. */
export function canOpenLogin(scheduledStart: number, now: number): boolean {
  return now >= loginOpensAt(scheduledStart);
}
