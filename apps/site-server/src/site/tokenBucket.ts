/** A rate: a burst of `capacity` events, then `refillPerSecond` on average. */
export interface Rate {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

/** Real time in milliseconds: rates are about load on this process, not the exam's clock. */
export type Millis = () => number;
export const monotonicMs: Millis = () => performance.now();

/**
 * One token bucket: each event takes a token; tokens come back at a steady rate up to the
 * capacity. Constant memory and time per event, so refusing a flood costs next to nothing.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly rate: Rate,
    private readonly now: Millis = monotonicMs,
  ) {
    this.tokens = rate.capacity;
    this.at = now();
  }

  /** Takes a token if there is one. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Empties the bucket: whatever comes next waits for the refill. */
  drain(): void {
    this.refill();
    this.tokens = 0;
  }

  /** Whether the bucket has filled up again (nothing taken for as long as a full refill takes). */
  isFull(): boolean {
    this.refill();
    return this.tokens >= this.rate.capacity;
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(
      this.rate.capacity,
      this.tokens + ((t - this.at) / 1000) * this.rate.refillPerSecond,
    );
    this.at = t;
  }
}

/**
 * A bucket per key (a remote address, a machine). Full buckets are forgotten once the map
 * grows, since a fresh bucket is the same as a full one: memory follows the keys that are
 * busy now, not every key ever seen.
 */
export class KeyedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly rate: Rate,
    private readonly now: Millis = monotonicMs,
    private readonly sweepAbove = 10_000,
  ) {}

  take(key: string): boolean {
    return this.bucket(key).take();
  }

  bucket(key: string): TokenBucket {
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.sweepAbove) this.sweep();
      b = new TokenBucket(this.rate, this.now);
      this.buckets.set(key, b);
    }
    return b;
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(): void {
    for (const [k, b] of this.buckets) if (b.isFull()) this.buckets.delete(k);
  }
}
