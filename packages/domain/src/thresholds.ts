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

/** Who may grant a time extension, judged on the candidate's cumulative total; least strict first. */
export const EXTENSION_AUTHORITIES = Object.freeze(['proctor', 'province-code', 'centre-code'] as const);
export type ExtensionAuthority = (typeof EXTENSION_AUTHORITIES)[number];

export function extensionAuthority(cumulativeMs: number): ExtensionAuthority {
  if (cumulativeMs <= RULES.extension.proctorUpToMs) return 'proctor';
  if (cumulativeMs <= RULES.extension.provinceCodeUpToMs) return 'province-code';
  return 'centre-code';
}

/**
 * One request extends several candidates by the same minutes, and one code covers it: the
 * strictest authority any of their new cumulative totals needs wins.
 */
export function strictestExtensionAuthority(
  currentExtensionsMs: readonly number[],
  addMs: number,
): ExtensionAuthority {
  let strictest = 0;
  for (const current of currentExtensionsMs) {
    strictest = Math.max(strictest, EXTENSION_AUTHORITIES.indexOf(extensionAuthority(current + addMs)));
  }
  return EXTENSION_AUTHORITIES[strictest]!;
}

/** Whose approval key a code for this authority is checked against; null when none is needed. */
export type ApprovalCodeKind = 'province' | 'centre';

export function approvalCodeKind(
  authority: DelayedStartAuthority | ExtensionAuthority,
): ApprovalCodeKind | null {
  if (authority === 'province-code') return 'province';
  if (authority === 'centre-code') return 'centre';
  return null;
}

/** Overbooking is capped per site at 30%: 100 machines seat at most 130 candidates. */
export function maxCandidatesFor(machines: number): number {
  // Integer arithmetic avoids 100 * 1.3 = 129.99999999999997.
  return Math.floor((machines * (100 + RULES.maxOverbookingRatio * 100)) / 100);
}
