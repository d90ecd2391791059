import { RULES } from '@exam/domain';
import { describe, expect, it } from 'vitest';
import { SittingClock, scaledMonotonic } from './clock.js';

/** A monotonic source the test moves by hand. */
function manualMonotonic(start = 5_000) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

const MIN = 60_000;

describe('SittingClock', () => {
  it('tells server time from one sample and keeps counting with no further contact', () => {
    const mono = manualMonotonic();
    const clock = new SittingClock(mono.now);
    clock.sync(1_700_000_000_000);
    mono.advance(45 * MIN); // "offline" for 45 minutes: no more samples
    expect(clock.now()).toBe(1_700_000_000_000 + 45 * MIN);
  });

  it('never reads the wall clock', () => {
    const mono = manualMonotonic();
    const clock = new SittingClock(mono.now);
    clock.sync(1_000);
    const realNow = Date.now;
    Date.now = () => {
      throw new Error('wall clock read');
    };
    try {
      mono.advance(10);
      expect(clock.now()).toBe(1_010);
    } finally {
      Date.now = realNow;
    }
  });

  it('places the server reading in the middle of the round trip', () => {
    const mono = manualMonotonic(0);
    const clock = new SittingClock(mono.now);
    const sentAt = mono.now();
    mono.advance(40);
    clock.sync(10_000, sentAt);
    expect(clock.now()).toBe(10_020);
  });

  it('follows a pushed time sample only when the server clock was stepped', () => {
    const mono = manualMonotonic(0);
    const clock = new SittingClock(mono.now);
    clock.sync(10_000);
    clock.observe(10_000 - 30); // delivery delay: keep the better estimate
    expect(clock.now()).toBe(10_000);
    clock.observe(10_000 + 20 * MIN); // the server skipped ahead
    expect(clock.now()).toBe(10_000 + 20 * MIN);
  });

  it('refuses to guess the time before the first sample', () => {
    const clock = new SittingClock(() => 0);
    expect(clock.synced).toBe(false);
    expect(() => clock.now()).toThrow(/no server time sample/);
    expect(clock.remainingMs()).toBeNull();
  });

  it('counts down to the end and opens hand-in at the earliest time', () => {
    const mono = manualMonotonic();
    const clock = new SittingClock(mono.now);
    clock.sync(0);
    clock.setTiming({ endsAt: 90 * MIN, earliestHandInAt: 75 * MIN });
    mono.advance(74 * MIN);
    expect(clock.remainingMs()).toBe(16 * MIN);
    expect(clock.canHandIn()).toBe(false);
    mono.advance(MIN);
    expect(clock.canHandIn()).toBe(true);
    mono.advance(20 * MIN);
    expect(clock.remainingMs()).toBe(0);
    expect(clock.isTimeUp()).toBe(true);
  });

  it('announces each end reminder once, when it is crossed', () => {
    const [first, second] = RULES.reminderBeforeEndMs;
    const mono = manualMonotonic();
    const clock = new SittingClock(mono.now);
    clock.sync(0);
    clock.setTiming({ endsAt: 90 * MIN, earliestHandInAt: 75 * MIN });
    expect(clock.takeDueReminders()).toEqual([]);
    mono.advance(90 * MIN - first!);
    expect(clock.takeDueReminders()).toEqual([first]);
    expect(clock.takeDueReminders()).toEqual([]);
    mono.advance(first! - second!);
    expect(clock.takeDueReminders()).toEqual([second]);
    mono.advance(second!);
    expect(clock.takeDueReminders()).toEqual([]);
  });

  it('re-arms a reminder when an extension moves the end later', () => {
    const [first] = RULES.reminderBeforeEndMs;
    const mono = manualMonotonic();
    const clock = new SittingClock(mono.now);
    clock.sync(0);
    clock.setTiming({ endsAt: 90 * MIN, earliestHandInAt: 75 * MIN });
    mono.advance(90 * MIN - first!);
    expect(clock.takeDueReminders()).toEqual([first]);
    clock.setTiming({ endsAt: 100 * MIN, earliestHandInAt: 85 * MIN });
    expect(clock.takeDueReminders()).toEqual([]);
    mono.advance(10 * MIN);
    expect(clock.takeDueReminders()).toEqual([first]);
  });

  it('runs a sitting at 60× with a scaled monotonic source', () => {
    let real = 1_000;
    const fast = scaledMonotonic(60, () => real);
    const clock = new SittingClock(fast);
    clock.sync(0);
    clock.setTiming({ endsAt: 90 * MIN, earliestHandInAt: 75 * MIN });
    real += 60_000; // one real minute
    expect(clock.now()).toBe(60 * MIN);
    expect(clock.remainingMs()).toBe(30 * MIN);
  });
});
