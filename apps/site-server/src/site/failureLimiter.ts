import type { Lockout } from '@exam/domain';

/**
 * Counts failures per key in a sliding window, by a lock-out rule of the domain (RULES); used against guessing ID numbers and codes.
 * In memory on purpose: a restart resets it, which is acceptable for a LAN of known machines.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly rule: Lockout) {}

  isBlocked(key: string, now: number): boolean {
    return this.recent(key, now).length >= this.rule.maxFailures;
  }

  recordFailure(key: string, now: number): void {
    const list = this.recent(key, now);
    list.push(now);
    this.failures.set(key, list);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => now - t < this.rule.windowMs);
  }
}
