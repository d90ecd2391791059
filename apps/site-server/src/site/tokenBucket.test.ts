import { describe, expect, it } from 'vitest';
import { KeyedBuckets, TokenBucket } from './tokenBucket.js';

/** A clock the test moves by hand: the buckets' arithmetic, without waiting. */
function handClock() {
  let t = 0;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('token bucket', () => {
  it('lets a burst of its capacity through, then refuses until tokens come back', () => {
    const clock = handClock();
    const b = new TokenBucket({ capacity: 3, refillPerSecond: 2 }, clock.now);
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
    clock.advance(499);
    expect(b.take()).toBe(false);
    clock.advance(1);
    expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
  });

  it('holds a flood to the refill rate', () => {
    const clock = handClock();
    const b = new TokenBucket({ capacity: 10, refillPerSecond: 5 }, clock.now);
    let passed = 0;
    // 10,000 tries a second for 10 seconds.
    for (let i = 0; i < 100_000; i++) {
      if (b.take()) passed++;
      clock.advance(0.1);
    }
    expect(passed).toBeGreaterThanOrEqual(10 + 50 - 1);
    expect(passed).toBeLessThanOrEqual(10 + 50);
  });

  it('never holds more than its capacity, however long it was idle', () => {
    const clock = handClock();
    const b = new TokenBucket({ capacity: 2, refillPerSecond: 100 }, clock.now);
    clock.advance(3_600_000);
    expect([b.take(), b.take(), b.take()]).toEqual([true, true, false]);
  });
});

describe('keyed buckets', () => {
  it('counts each key on its own', () => {
    const clock = handClock();
    const k = new KeyedBuckets({ capacity: 1, refillPerSecond: 1 }, clock.now);
    expect([k.take('a'), k.take('a'), k.take('b')]).toEqual([true, false, true]);
  });

  it('forgets full buckets once many keys were seen, and keeps the busy ones', () => {
    const clock = handClock();
    const k = new KeyedBuckets({ capacity: 1, refillPerSecond: 1 }, clock.now, 100);
    for (let i = 0; i < 100; i++) k.take(`idle-${i}`);
    clock.advance(1000);
    k.take('busy');
    // The sweep ran when the map was full: the idle buckets had refilled and went.
    expect(k.size).toBe(1);
    expect(k.take('busy')).toBe(false);
  });
});
