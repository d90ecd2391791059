import { RULES } from './rules.js';

/** Who may authorise a start this late (annex 2 §二). */
export type DelayedStartAuthority = 'on-time' | 'city-consent' | 'province-code' | 'centre-code';

export function delayedStartAuthority(scheduledStart: number, actualStart: number): DelayedStartAuthority {
  const delay = actualStart - scheduledStart;
  if (delay <= RULES.onTimeGraceMs) return 'on-time';
  if (delay <= RULES.delayedStart.cityConsentUpToMs) return 'city-consent';
  if (delay <= RULES.delayedStart.provinceCodeUpToMs) return 'province-code';
  return 'centre-code';
}

/** Who may grant a time extension, judged on the candidate's cumulative total. */
export type ExtensionAuthority = 'proctor' | 'province-code' | 'centre-code';

export function extensionAuthority(cumulativeMs: number): ExtensionAuthority {
  if (cumulativeMs <= RULES.extension.proctorUpToMs) return 'proctor';
  if (cumulativeMs <= RULES.extension.provinceCodeUpToMs) return 'province-code';
  return 'centre-code';
}

/** Overbooking is capped per site at 30%: 100 machines seat at most 130 candidates. */
export function maxCandidatesFor(machines: number): number {
  // Integer arithmetic avoids 100 * 1.3 = 129.99999999999997.
  return Math.floor((machines * (100 + RULES.maxOverbookingRatio * 100)) / 100);
}

export function isOverbooked(machines: number, candidates: number): boolean {
  return candidates > machines;
}
