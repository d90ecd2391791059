/**
 * How the site uploads a sitting's answer package to the centre's receiver (issue 18): the
 * size of one chunk and how long it waits before trying again after a failure.
 */
export const UPLOAD_RULES = Object.freeze({
  /**
   * One chunk of the package per request. Small enough that a dropped link loses little (the
   * receiver keeps every chunk it acknowledged), large enough that the per-request cost is
   * a small part of the transfer.
   */
  chunkBytes: 256 * 1024,
  /** The first wait after a failure; each further failure doubles it, up to the ceiling. */
  firstRetryMs: 1_000,
  maxRetryMs: 60_000,
} as const);

/**
 * The wait before attempt `failures + 1`: 1 s doubling to 60 s, with "equal jitter" (half the
 * wait fixed, half random) so the sites that lost the uplink together do not all come back
 * in the same second, and none retries at once. `random` is in [0, 1).
 */
export function uploadRetryDelayMs(
  failures: number,
  random: number,
  rules: { firstRetryMs: number; maxRetryMs: number } = UPLOAD_RULES,
): number {
  const n = Math.max(1, Math.floor(failures));
  const ceiling = Math.min(rules.maxRetryMs, rules.firstRetryMs * 2 ** Math.min(n - 1, 30));
  const r = Math.min(Math.max(random, 0), 1);
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}
