import type { CandidateState } from '../../shared/state.js';

export type ScreenName = 'connecting' | 'locked' | 'login' | 'confirm' | 'typing' | 'notice' | 'exam' | 'end';

/** Which screen the state calls for. Pure, so the order of the screens reads in one place. */
export function screenFor(s: CandidateState): ScreenName {
  // Released by a reset: nobody may use this machine until a later sitting's login opens.
  if (s.phase === 'revoked') return 'locked';
  if (s.phase === 'handed-in' || s.phase === 'ended' || s.handInFailure) return 'end';
  if (!s.candidate) return s.connection === 'connecting' ? 'connecting' : 'login';
  if (!s.progress.confirmed) return 'confirm';
  // The typing test belongs before the start; a candidate logging in late goes straight on.
  if (s.sitting?.level === 'senior' && !s.progress.typingTestDone && !s.paperOpen) return 'typing';
  if (!s.progress.entered || !s.paperOpen) return 'notice';
  return 'exam';
}
