import { type DelayedStartAuthority, delayedStartAuthority } from './thresholds.js';

/**
 * Whether a start command may be given now (annex 2 §二 and the room rules). A paper is
 * never released before its scheduled time: a start a minute early is as wrong as one an
 * hour early, since the notice fixes the batch times site-wide. The start also needs login
 * to have been opened, so candidates are seated and confirmed before the paper opens and
 * the late-entry cut-off does not begin with the whole room locked out.
 */
export type StartDecision =
  | { ok: true; authority: DelayedStartAuthority; delayMs: number }
  | { ok: false; reason: 'TOO_EARLY'; earliestAt: number }
  | { ok: false; reason: 'LOGIN_NOT_OPEN' };

export interface StartInput {
  scheduledStart: number;
  loginOpenedAt: number | null;
}

export function decideStart(s: StartInput, now: number): StartDecision {
  if (now < s.scheduledStart) return { ok: false, reason: 'TOO_EARLY', earliestAt: s.scheduledStart };
  if (s.loginOpenedAt === null) return { ok: false, reason: 'LOGIN_NOT_OPEN' };
  return {
    ok: true,
    authority: delayedStartAuthority(s.scheduledStart, now),
    delayMs: now - s.scheduledStart,
  };
}
