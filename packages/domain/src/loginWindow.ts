import { RULES } from './rules.js';

export interface LoginWindowInput {
  scheduledStart: number;
  /** Set once the start command is given; late entry is measured from the real start. */
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
  if (w.startedAt !== null) {
    const cutoff = w.startedAt + (w.lateEntryCutoffMs ?? RULES.defaultLateEntryCutoffMs);
    if (now > cutoff) return { ok: false, reason: 'LATE_ENTRY_CLOSED', at: cutoff };
  }
  return { ok: true };
}

/** Whether a proctor may open login now: from about 30 minutes before the scheduled start. */
export function canOpenLogin(scheduledStart: number, now: number): boolean {
  return now >= loginOpensAt(scheduledStart);
}
