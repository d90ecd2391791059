export interface BackoffOptions {
  /** Never retry sooner than this. */
  minMs?: number;
  /** The first attempt's ceiling; doubles with each attempt. */
  baseMs?: number;
  /** The ceiling never grows past this. */
  maxMs?: number;
  /** Injectable for tests; uniform in [0, 1). */
  random?: () => number;
}

export const BACKOFF_DEFAULTS = Object.freeze({ minMs: 250, baseMs: 1000, maxMs: 10_000 } as const);

/**
 * Exponential backoff with full jitter (ARCHITECTURE §11): the delay is uniform between
 * the floor and a ceiling that doubles per attempt. When a server restarts, a whole room
 * loses its connection in the same instant; full jitter spreads the room's reconnects over
 * the window instead of sending them back in waves.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions = {}): number {
  const minMs = opts.minMs ?? BACKOFF_DEFAULTS.minMs;
  const baseMs = opts.baseMs ?? BACKOFF_DEFAULTS.baseMs;
  const maxMs = Math.max(minMs, opts.maxMs ?? BACKOFF_DEFAULTS.maxMs);
  const random = opts.random ?? Math.random;
  const ceiling = Math.max(minMs, Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt)));
  return Math.round(minMs + random() * (ceiling - minMs));
}

/** Counts attempts between successes. */
export class Backoff {
  private attempt = 0;

  constructor(private readonly opts: BackoffOptions = {}) {}

  next(): number {
    return backoffDelay(this.attempt++, this.opts);
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
