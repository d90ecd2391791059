import type { MonotonicSource } from '../clock.js';

/**
 * The standalone sitting's count (issue 17): milliseconds since the package's issuedAt, on
 * this machine's monotonic clock, only while the client runs and only from the candidate's
 * first login. It resumes from the journal's last checkpoint after a restart, so time while
 * the machine was off is not charged (as a reset's time carries over) and at most a
 * checkpoint interval is lost. The wall clock is never read.
 */
export class StandaloneCount {
  private runningSince: number | null = null;

  constructor(
    private base: number,
    private readonly monotonicNow: MonotonicSource,
  ) {}

  get running(): boolean {
    return this.runningSince !== null;
  }

  start(): void {
    if (this.runningSince === null) this.runningSince = this.monotonicNow();
  }

  /** Whole milliseconds counted so far. */
  elapsedMs(): number {
    const run = this.runningSince === null ? 0 : Math.max(0, this.monotonicNow() - this.runningSince);
    return Math.floor(this.base + run);
  }

  stop(): void {
    this.base = this.elapsedMs();
    this.runningSince = null;
  }
}
