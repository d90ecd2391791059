/**
 * Time is the server's (ARCHITECTURE §2). Everything that reads time takes a Clock, so
 * tests and the demo can run a 90-minute sitting in seconds without sleeping.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

/** A clock a test moves by hand. */
export class ManualClock implements Clock {
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(epochMs: number): void {
    this.current = epochMs;
  }
}

/**
 * Runs `factor` times faster than real time from `startAt`, on the monotonic clock. A demo
 * can hold it while candidates log in (which takes real time) and skip the breaks.
 */
export class ScaledClock implements Clock {
  private base: number;
  private t0 = performance.now();
  private heldAt: number | null = null;
  constructor(
    startAt: number,
    readonly factor: number,
  ) {
    this.base = startAt;
  }
  now(): number {
    if (this.heldAt !== null) return this.heldAt;
    return Math.floor(this.base + (performance.now() - this.t0) * this.factor);
  }
  /** Jumps forward; time never goes back. */
  skipTo(epochMs: number): void {
    this.restart(Math.max(this.now(), epochMs));
    if (this.heldAt !== null) this.heldAt = this.base;
  }
  hold(): void {
    this.heldAt = this.now();
  }
  release(): void {
    if (this.heldAt === null) return;
    this.restart(this.heldAt);
    this.heldAt = null;
  }
  private restart(at: number): void {
    this.base = at;
    this.t0 = performance.now();
  }
}
