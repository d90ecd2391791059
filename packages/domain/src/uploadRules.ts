/**
 * How the site uploads a sitting's answer package to the centre's receiver (issue 18): the
 * size of one chunk, how many are in flight, and how long it waits before trying again after
 * a failure.
 */
export const UPLOAD_RULES = Object.freeze({
  /**
   * One chunk of the package per request. Small enough that a dropped link loses little (the
   * receiver keeps every chunk it acknowledged), large enough that the per-request cost (an
   * fsync and a commit on each side) is a small part of the transfer. Measured
   * (docs/BENCHMARKS.md, issue 18): 256 KiB chunks carried the bytes at a quarter of a bare
   * upload's rate, 4 MiB chunks at most of it. The receiver takes up to 16 MiB a chunk.
   */
  chunkBytes: 4 * 1024 * 1024,
  /**
   * Chunks sent ahead on the one kept-alive connection (HTTP/1.1 pipelining), so the link is
   * not idle while the receiver fsyncs the one before and the site commits its offset. The
   * site commits only what the receiver acknowledged, in order; a cut link resends only what
   * the receiver had not stored. Two: three measured no faster, and each one in flight is a
   * chunk the receiver holds in memory per site.
   */
  chunksInFlight: 2,
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
