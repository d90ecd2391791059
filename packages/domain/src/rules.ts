/**
 * Every number the notice fixes lives here (DOMAIN.md). Handlers and clients import these
 * instead of writing a duration or threshold of their own, so a rule changes in one place.
 */
const MINUTE = 60_000;

export const LEVELS = Object.freeze(['junior', 'intermediate', 'senior'] as const);
export type Level = (typeof LEVELS)[number];

export const SPECIALTIES = Object.freeze([
  '工商管理',
  '农业经济',
  '财政税收',
  '金融',
  '保险',
  '运输经济',
  '人力资源管理',
  '旅游经济',
  '建筑与房地产经济',
  '知识产权',
] as const);

/** Per-level timing of one sitting (notice §三). */
export const SITTING_RULES = Object.freeze({
  junior: { durationMs: 90 * MINUTE, earliestHandInBeforeEndMs: 15 * MINUTE },
  intermediate: { durationMs: 90 * MINUTE, earliestHandInBeforeEndMs: 15 * MINUTE },
  senior: { durationMs: 180 * MINUTE, earliestHandInBeforeEndMs: 60 * MINUTE },
} as const satisfies Record<Level, { durationMs: number; earliestHandInBeforeEndMs: number }>);

/** A lock-out: `maxFailures` failures within `windowMs` block further tries until the oldest ages out. */
export interface Lockout {
  readonly maxFailures: number;
  readonly windowMs: number;
}

export const RULES = Object.freeze({
  /** Candidates sitting both junior/intermediate subjects take them 40 minutes apart. */
  gapBetweenSittingsMs: 40 * MINUTE,
  /** Login opens about 30 minutes before the scheduled start. */
  loginOpensBeforeStartMs: 30 * MINUTE,
  /** Room rules: no entry later than 5 minutes after the start (a setting of the sitting). */
  defaultLateEntryCutoffMs: 5 * MINUTE,
  /** Candidate reminders, as candidates know them from the real system. */
  reminderBeforeEndMs: Object.freeze([10 * MINUTE, 5 * MINUTE]),
  /** A start command within a minute of the scheduled time is on time, not a delayed start. */
  onTimeGraceMs: MINUTE,
  /** Delayed start (annex 2 §二): city consent up to 30, province code to 60, centre beyond. */
  delayedStart: Object.freeze({ cityConsentUpToMs: 30 * MINUTE, provinceCodeUpToMs: 60 * MINUTE }),
  /** Time extension, cumulative per candidate: proctor up to 10, province to 60, centre beyond. */
  extension: Object.freeze({ proctorUpToMs: 10 * MINUTE, provinceCodeUpToMs: 60 * MINUTE }),
  /**
   * Wrong approval codes are counted per room: the fifth within ten minutes locks the room's
   * code entry until the oldest of them is ten minutes old (guessing a code by phone is slow).
   */
  approvalCodeLockout: Object.freeze({ maxFailures: 5, windowMs: 10 * MINUTE } satisfies Lockout),
  /** Failed logins (unknown ticket, wrong ID number) per machine: five within a minute lock it. */
  loginLockout: Object.freeze({ maxFailures: 5, windowMs: MINUTE } satisfies Lockout),
  /**
   * Failed logins per ticket number, whichever machines they came from: a guesser who moves
   * between machines still gets one guess a minute at one candidate's ID number. Looser than
   * the machine's lock-out because a ticket lock-out also keeps the real candidate out (the
   * proctor sees every failed login with its reason and can let them in once it runs out).
   */
  ticketLoginLockout: Object.freeze({ maxFailures: 10, windowMs: 10 * MINUTE } satisfies Lockout),
  /**
   * Standalone mode (issue 17): the fifth wrong authorization code locks standalone import on
   * that machine for ten minutes (the code is 60 bits; this only stops a bystander's guessing).
   */
  standaloneCodeFailures: 5,
  standaloneCodeLockMinutes: 10,
  /** A standalone package stays valid to the end of its exam day, and at least this long past the candidate's remaining time. */
  standalonePackageSlackMinutes: 60,
  /** Overbooking (annex 4): at most 30% more candidates than machines. */
  maxOverbookingRatio: 0.3,
  /** Test machine minimums (notice §三). */
  machine: Object.freeze({
    minScreenWidth: 1024,
    minScreenHeight: 768,
    minFreeMemoryBytes: 512 * 1024 * 1024,
  }),
});

export const MINUTE_MS = MINUTE;

/** A rule's duration in whole minutes, for messages that quote it: "1 minute", "10 minutes". */
export function minutesText(ms: number): string {
  const m = Math.round(ms / MINUTE);
  return m === 1 ? '1 minute' : `${m} minutes`;
}
