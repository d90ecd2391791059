import { Backoff, type BackoffOptions } from './backoff.js';

/**
 * Schedules reconnect attempts with full-jitter backoff. socket.io's own reconnection is
 * turned off because its jitter is a ±factor around one exponential curve (a room still
 * comes back in waves) and it does not retry after a namespace middleware refusal.
 */
export class Reconnector {
  private readonly backoff: Backoff;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly connect: () => void,
    opts: BackoffOptions = {},
  ) {
    this.backoff = new Backoff(opts);
  }

  /** Idempotent: a disconnect and a connect error for the same outage schedule one attempt. */
  schedule(): number | null {
    if (this.stopped || this.timer) return null;
    const delay = this.backoff.next();
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.connect();
    }, delay);
    return delay;
  }

  /** A connection got all the way through; the next outage starts from the short delays. */
  succeeded(): void {
    this.backoff.reset();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
