import { describe, expect, it } from 'vitest';
import {
  canOpenLogin,
  decideHandIn,
  decideLogin,
  decideStart,
  delayedStartAuthority,
  earliestHandInAt,
  endsAt,
  extensionAuthority,
  lateEntryCutoffAt,
  machineShortfalls,
  maxCandidatesFor,
  remainingMs,
  scoreMultipleChoice,
  scoreSingleChoice,
  timingFor,
} from './index.js';

const MIN = 60_000;
const T0 = Date.UTC(2021, 9, 23, 0, 30);

describe('sitting clock', () => {
  it('gives junior candidates 90 minutes and refuses hand-in before minute 75', () => {
    const t = timingFor('junior', T0);
    expect(endsAt(t)).toBe(T0 + 90 * MIN);
    expect(decideHandIn(t, T0 + 75 * MIN - 1)).toEqual({
      ok: false,
      reason: 'TOO_EARLY',
      earliestAt: T0 + 75 * MIN,
    });
    expect(decideHandIn(t, T0 + 75 * MIN)).toEqual({ ok: true });
  });

  it('gives senior candidates 3 hours and allows hand-in from minute 120', () => {
    const t = timingFor('senior', T0);
    expect(endsAt(t)).toBe(T0 + 180 * MIN);
    expect(earliestHandInAt(t)).toBe(T0 + 120 * MIN);
  });

  it('moves the end and the earliest hand-in with an extension', () => {
    const t = timingFor('junior', T0, 7 * MIN);
    expect(endsAt(t)).toBe(T0 + 97 * MIN);
    expect(earliestHandInAt(t)).toBe(T0 + 82 * MIN);
    expect(remainingMs(t, T0 + 90 * MIN)).toBe(7 * MIN);
    expect(remainingMs(t, T0 + 200 * MIN)).toBe(0);
  });

  it('refuses hand-in before the start', () => {
    expect(decideHandIn(null, T0)).toEqual({ ok: false, reason: 'NOT_STARTED' });
  });
});

describe('thresholds', () => {
  it('classifies delayed starts at 30 and 60 minutes', () => {
    expect(delayedStartAuthority(T0, T0)).toBe('on-time');
    expect(delayedStartAuthority(T0, T0 + MIN)).toBe('on-time');
    expect(delayedStartAuthority(T0, T0 + MIN + 1)).toBe('city-consent');
    expect(delayedStartAuthority(T0, T0 + 30 * MIN)).toBe('city-consent');
    expect(delayedStartAuthority(T0, T0 + 30 * MIN + 1)).toBe('province-code');
    expect(delayedStartAuthority(T0, T0 + 60 * MIN)).toBe('province-code');
    expect(delayedStartAuthority(T0, T0 + 61 * MIN)).toBe('centre-code');
  });

  it('classifies cumulative extensions at 10 and 60 minutes', () => {
    expect(extensionAuthority(10 * MIN)).toBe('proctor');
    expect(extensionAuthority(11 * MIN)).toBe('province-code');
    expect(extensionAuthority(60 * MIN)).toBe('province-code');
    expect(extensionAuthority(61 * MIN)).toBe('centre-code');
  });

  it('caps overbooking at 30%', () => {
    expect(maxCandidatesFor(100)).toBe(130);
    expect(maxCandidatesFor(33)).toBe(42);
  });
});

describe('login window', () => {
  it('opens 30 minutes before the start and closes 5 minutes after the real start', () => {
    expect(canOpenLogin(T0, T0 - 31 * MIN)).toBe(false);
    expect(canOpenLogin(T0, T0 - 30 * MIN)).toBe(true);
    const w = { scheduledStart: T0, startedAt: T0 + 2 * MIN, openedByProctor: true };
    expect(decideLogin(w, T0 + 7 * MIN)).toEqual({ ok: true });
    expect(decideLogin(w, T0 + 7 * MIN + 1)).toMatchObject({ ok: false, reason: 'LATE_ENTRY_CLOSED' });
    expect(decideLogin({ ...w, openedByProctor: false }, T0)).toMatchObject({ reason: 'LOGIN_NOT_OPEN' });
    expect(decideLogin({ ...w, lateEntryCutoffMs: 15 * MIN }, T0 + 16 * MIN)).toEqual({ ok: true });
  });
});

describe('scoring', () => {
  it('scores multiple choice with partial credit and zero for any wrong option', () => {
    expect(scoreMultipleChoice(['A', 'C'], ['A', 'C', 'D'], 2)).toBe(1);
    expect(scoreMultipleChoice(['A', 'C', 'D'], ['A', 'C', 'D'], 2)).toBe(2);
    expect(scoreMultipleChoice(['A', 'B'], ['A', 'C', 'D'], 2)).toBe(0);
    expect(scoreMultipleChoice([], ['A'], 2)).toBe(0);
    expect(scoreSingleChoice('B', 'B', 1)).toBe(1);
    expect(scoreSingleChoice(null, 'B', 1)).toBe(0);
  });
});

describe('machine check', () => {
  it('flags screens under 1024x768 and under 512 MB free memory', () => {
    expect(
      machineShortfalls({ screenWidth: 1024, screenHeight: 768, freeMemoryBytes: 512 * 2 ** 20 }),
    ).toEqual([]);
    expect(machineShortfalls({ screenWidth: 800, screenHeight: 600, freeMemoryBytes: 100 })).toEqual([
      'SCREEN_TOO_SMALL',
      'LOW_MEMORY',
    ]);
  });
});

describe('start guard', () => {
  // Batch times are Beijing time (UTC+8): 08:30 is 00:30Z, 10:40 is 02:40Z.
  const at = (hh: number, mm: number, ss = 0) => Date.UTC(2021, 9, 23, hh - 8, mm, ss);
  const second = { scheduledStart: at(10, 40), loginOpenedAt: at(10, 10) };

  it('refuses a start one second before the scheduled time and accepts it on the second', () => {
    expect(decideStart(second, at(10, 39, 59))).toEqual({
      ok: false,
      reason: 'TOO_EARLY',
      earliestAt: at(10, 40),
    });
    expect(decideStart(second, at(10, 40))).toEqual({ ok: true, authority: 'on-time', delayMs: 0 });
  });

  it('refuses the 08:30 sitting at 08:17 and the 10:40 sitting at 09:59', () => {
    const first = { scheduledStart: at(8, 30), loginOpenedAt: at(8, 0) };
    expect(decideStart(first, at(8, 17))).toMatchObject({ ok: false, reason: 'TOO_EARLY' });
    expect(decideStart(second, at(9, 59))).toMatchObject({ ok: false, reason: 'TOO_EARLY' });
  });

  it('needs login opened first, even when late', () => {
    const notOpened = { scheduledStart: at(10, 40), loginOpenedAt: null };
    expect(decideStart(notOpened, at(10, 45))).toEqual({ ok: false, reason: 'LOGIN_NOT_OPEN' });
  });

  it('classifies a late start with the delayed-start thresholds', () => {
    expect(decideStart(second, at(11, 15))).toEqual({
      ok: true,
      authority: 'province-code',
      delayMs: 35 * MIN,
    });
  });

  it('counts the late-entry cut-off from the later of the scheduled and the actual start', () => {
    const scheduledStart = at(10, 40);
    expect(lateEntryCutoffAt({ scheduledStart, startedAt: null })).toBeNull();
    expect(lateEntryCutoffAt({ scheduledStart, startedAt: at(10, 50) })).toBe(at(10, 55));
    // A start recorded before the schedule (data from before this guard) cannot shorten it.
    expect(lateEntryCutoffAt({ scheduledStart, startedAt: at(9, 59) })).toBe(at(10, 45));
    const early = { scheduledStart, startedAt: at(9, 59), openedByProctor: true };
    expect(decideLogin(early, at(10, 44))).toEqual({ ok: true });
    expect(decideLogin(early, at(10, 45, 1))).toMatchObject({ reason: 'LATE_ENTRY_CLOSED' });
  });
});
