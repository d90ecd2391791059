import type { CandidateState } from '../../shared/state.js';

export type ScreenName =
  | 'connecting'
  | 'untrusted'
  | 'paperRefused'
  | 'join'
  | 'pending'
  | 'locked'
  | 'login'
  | 'confirm'
  | 'typing'
  | 'notice'
  | 'exam'
  | 'end';

/** Which screen the state calls for. Pure, so the order of the screens reads in one place. */
export function screenFor(s: CandidateState): ScreenName {
  // Released by a reset: nobody may use this machine until a later sitting's login opens.
  if (s.phase === 'revoked') return 'locked';
  if (s.phase === 'handed-in' || s.phase === 'ended' || s.handInFailure) return 'end';
  if (!s.candidate) {
    // A server that cannot prove it is this site's gets nothing typed here (issue 16).
    if (s.connection === 'untrusted') return 'untrusted';
    // Nobody logs in at a machine the site has not approved for a seat (issue 16).
    const admission = s.machine.admission;
    if (s.connection === 'connecting' || admission === 'unproven') return 'connecting';
    if (admission === 'unknown' || admission === 'refused') return 'join';
    if (admission === 'pending') return 'pending';
    return 'login';
  }
  // Not a word of a paper the exam centre did not sign (issue 16).
  if (s.paperRefused) return 'paperRefused';
  if (!s.progress.confirmed) return 'confirm';
  // The typing test belongs before the start; a candidate logging in late goes straight on.
  if (s.sitting?.level === 'senior' && !s.progress.typingTestDone && !s.paperOpen) return 'typing';
  if (!s.progress.entered || !s.paperOpen) return 'notice';
  return 'exam';
}
