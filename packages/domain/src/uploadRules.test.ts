import { describe, expect, it } from 'vitest';
import { UPLOAD_RULES, uploadRetryDelayMs } from './uploadRules.js';

describe('upload retry delay', () => {
  it('starts near a second and doubles with each failure', () => {
    expect(uploadRetryDelayMs(1, 0)).toBe(500);
    expect(uploadRetryDelayMs(1, 0.999)).toBeLessThanOrEqual(1_000);
    expect(uploadRetryDelayMs(2, 0)).toBe(1_000);
    expect(uploadRetryDelayMs(3, 0)).toBe(2_000);
    expect(uploadRetryDelayMs(4, 1)).toBe(8_000);
  });

  it('never waits longer than a minute, however many failures', () => {
    expect(uploadRetryDelayMs(7, 1)).toBe(UPLOAD_RULES.maxRetryMs);
    expect(uploadRetryDelayMs(1_000, 1)).toBe(60_000);
    expect(uploadRetryDelayMs(1_000, 0)).toBe(30_000);
  });

  it('spreads sites that failed together over half the wait', () => {
    const waits = new Set([0, 0.25, 0.5, 0.75].map((r) => uploadRetryDelayMs(5, r)));
    expect(waits.size).toBe(4);
  });

  it('sends chunks of 4 MiB, two in flight, within the receiver’s 16 MiB limit', () => {
    expect(UPLOAD_RULES.chunkBytes).toBe(4_194_304);
    expect(UPLOAD_RULES.chunksInFlight).toBe(2);
    expect(UPLOAD_RULES.chunkBytes).toBeLessThanOrEqual(16 * 1024 * 1024);
  });
});
