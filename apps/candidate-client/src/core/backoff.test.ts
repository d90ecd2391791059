import { describe, expect, it } from 'vitest';
import { BACKOFF_DEFAULTS, Backoff, backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('stays between the floor and a ceiling that doubles per attempt, capped at the maximum', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(BACKOFF_DEFAULTS.maxMs, BACKOFF_DEFAULTS.baseMs * 2 ** attempt);
      expect(backoffDelay(attempt, { random: () => 0 })).toBe(BACKOFF_DEFAULTS.minMs);
      expect(backoffDelay(attempt, { random: () => 0.999_999 })).toBe(ceiling);
      for (let i = 0; i < 200; i++) {
        const d = backoffDelay(attempt);
        expect(d).toBeGreaterThanOrEqual(BACKOFF_DEFAULTS.minMs);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('spreads a room reconnecting at once over the window instead of one instant', () => {
    const delays = Array.from({ length: 40 }, () => backoffDelay(3));
    expect(new Set(delays).size).toBeGreaterThan(30);
    const spread = Math.max(...delays) - Math.min(...delays);
    expect(spread).toBeGreaterThan(0.5 * (8_000 - BACKOFF_DEFAULTS.minMs));
  });

  it('never goes below the floor even if the maximum is set lower', () => {
    expect(backoffDelay(5, { minMs: 500, maxMs: 100, random: () => 0.5 })).toBe(500);
  });
});

describe('Backoff', () => {
  it('grows with each attempt and starts over after a success', () => {
    const b = new Backoff({ random: () => 0.999_999 });
    expect([b.next(), b.next(), b.next()]).toEqual([1_000, 2_000, 4_000]);
    b.reset();
    expect(b.next()).toBe(1_000);
  });
});
