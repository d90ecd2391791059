import {
  type ApprovalCodeKind,
  approvalCodeKind,
  canOpenLogin,
  type DelayedStartAuthority,
  decideStart,
  delayedStartAuthority,
  type ExtensionAuthority,
  loginOpensAt,
  MINUTE_MS,
  RULES,
  strictestExtensionAuthority,
} from '@exam/domain';
import type { CandidateTile } from '@exam/protocol';

/**
 * What the console must ask for before a command, from the domain thresholds (never a
 * number of its own). The server decides again; this only shapes the prompt.
 */
export interface Requirement<A extends string> {
  authority: A;
  needsReason: boolean;
  /** Whose approval code: the province (30–60 min late, 10–60 min extension), the centre beyond. */
  code: ApprovalCodeKind | null;
}

export function startRequirement(scheduledStart: number, now: number): Requirement<DelayedStartAuthority> {
  const authority = delayedStartAuthority(scheduledStart, now);
  return {
    authority,
    needsReason: authority !== 'on-time',
    code: approvalCodeKind(authority),
  };
}

/**
 * Whether the start button may be pressed now, and if not why: before the scheduled start
 * (with the time left, for the countdown) or before login was opened. Same rule as the
 * server's (`decideStart`), so the button and the server never disagree for long.
 */
export type StartAvailability =
  | { ready: true }
  | { ready: false; why: 'too-early'; inMs: number }
  | { ready: false; why: 'login-not-open' };

export function startAvailability(
  s: { scheduledStart: number; loginOpenedAt: number | null },
  now: number,
): StartAvailability {
  const d = decideStart(s, now);
  if (d.ok) return { ready: true };
  return d.reason === 'TOO_EARLY'
    ? { ready: false, why: 'too-early', inMs: d.earliestAt - now }
    : { ready: false, why: 'login-not-open' };
}

/** When the open-login button comes alive: null once it may be pressed. */
export function loginOpensIn(scheduledStart: number, now: number): number | null {
  return canOpenLogin(scheduledStart, now) ? null : loginOpensAt(scheduledStart) - now;
}

/** The strictest authority among the selected candidates' new cumulative totals. */
export function extensionRequirement(
  tiles: readonly Pick<CandidateTile, 'extensionMs'>[],
  minutes: number,
): Requirement<ExtensionAuthority> {
  const authority = strictestExtensionAuthority(
    tiles.map((t) => t.extensionMs),
    minutes * MINUTE_MS,
  );
  return { authority, needsReason: true, code: approvalCodeKind(authority) };
}

/**
 * Suggested extension in whole minutes: the measured downtime not yet granted, the largest
 * among the selection (so nobody gets less than they lost). Zero when nothing was lost.
 */
export function suggestedMinutes(
  tiles: readonly Pick<CandidateTile, 'extensionMs' | 'suggestedExtensionMs'>[],
): number {
  let most = 0;
  for (const t of tiles) most = Math.max(most, t.suggestedExtensionMs - t.extensionMs);
  return Math.ceil(most / MINUTE_MS);
}

/** The minutes the proctor may grant alone, for the prompt's hint. */
export const PROCTOR_EXTENSION_MINUTES = RULES.extension.proctorUpToMs / MINUTE_MS;
export const PROVINCE_EXTENSION_MINUTES = RULES.extension.provinceCodeUpToMs / MINUTE_MS;

/** The thresholds the extension prompt quotes (i18n `extend.*`), from the domain. */
export const EXTENSION_FIGURES = Object.freeze({
  proctor: PROCTOR_EXTENSION_MINUTES,
  province: PROVINCE_EXTENSION_MINUTES,
});

/** The thresholds the start prompt quotes (i18n `start.*`), from the domain. */
export const DELAYED_START_FIGURES = Object.freeze({
  city: RULES.delayedStart.cityConsentUpToMs / MINUTE_MS,
  province: RULES.delayedStart.provinceCodeUpToMs / MINUTE_MS,
});
