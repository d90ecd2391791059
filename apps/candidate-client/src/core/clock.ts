import { RULES } from '@exam/domain';
import type { SittingView } from '@exam/protocol';

/** Milliseconds from an arbitrary origin that never jump backwards (not wall-clock time). */
export type MonotonicSource = () => number;

export const systemMonotonic: MonotonicSource = () => performance.now();

/**
 * A monotonic source running `factor` times faster than `base`, for demos at 60× speed.
 * The server must run its clock at the same factor for the two to agree.
 */
export function scaledMonotonic(factor: number, base: MonotonicSource = systemMonotonic): MonotonicSource {
  const origin = base();
  return () => origin + (base() - origin) * factor;
}

type Timing = Pick<SittingView, 'endsAt' | 'earliestHandInAt'>;

/**
 * The sitting's time as the server holds it (ARCHITECTURE §2). One sample fixes the offset
 * between the server's clock and a local monotonic source; from then on the clock keeps
 * counting offline. The local wall clock is never read: a candidate changing the system
 * time, or NTP stepping it, must not move the end of the exam.
 */
export class SittingClock {
  private offset: number | null = null;
  private timing: Timing = { endsAt: null, earliestHandInAt: null };
  /** Reminder thresholds already announced, so each sounds once per crossing. */
  private readonly announced = new Set<number>();

  constructor(private readonly monotonicNow: MonotonicSource = systemMonotonic) {}

  /**
   * Takes a server time sample. With `requestedAt` (the monotonic time the request left),
   * the server's reading is placed at the middle of the round trip.
   */
  sync(serverNow: number, requestedAt?: number): void {
    const receivedAt = this.monotonicNow();
    const halfTrip = requestedAt === undefined ? 0 : Math.max(0, receivedAt - requestedAt) / 2;
    this.offset = serverNow + halfTrip - receivedAt;
  }

  /**
   * A one-way sample (the `serverNow` of a pushed view). It carries the delivery delay, so
   * it replaces the round-trip estimate only when they disagree by more than `toleranceMs`:
   * the server's clock was stepped (a demo skipping ahead), or there was no estimate yet.
   */
  observe(serverNow: number, toleranceMs = 1_000): void {
    if (this.offset === null || Math.abs(serverNow - this.now()) > toleranceMs) this.sync(serverNow);
  }

  get synced(): boolean {
    return this.offset !== null;
  }

  /** Server time, estimated. Throws before the first sample: there is no honest guess. */
  now(): number {
    if (this.offset === null) throw new Error('The sitting clock has no server time sample yet.');
    return this.monotonicNow() + this.offset;
  }

  /** The candidate's own end and earliest hand-in; an extension arrives as a new view. */
  setTiming(view: Timing): void {
    this.timing = { endsAt: view.endsAt, earliestHandInAt: view.earliestHandInAt };
  }

  /** Null until the sitting has started and the clock is synced. */
  remainingMs(): number | null {
    if (this.timing.endsAt === null || this.offset === null) return null;
    return Math.max(0, this.timing.endsAt - this.now());
  }

  isTimeUp(): boolean {
    return this.remainingMs() === 0;
  }

  /** A hint for the UI; the server decides and answers TOO_EARLY with its own earliest time. */
  canHandIn(): boolean {
    const earliest = this.timing.earliestHandInAt;
    if (earliest === null || this.offset === null) return false;
    return this.now() >= earliest;
  }

  /**
   * Reminders (RULES.reminderBeforeEndMs) newly crossed since the last call, most urgent
   * last. A threshold re-arms when an extension lifts the remaining time above it.
   */
  takeDueReminders(): number[] {
    const remaining = this.remainingMs();
    if (remaining === null) return [];
    const due: number[] = [];
    for (const before of [...RULES.reminderBeforeEndMs].sort((a, b) => b - a)) {
      if (remaining > before) {
        this.announced.delete(before);
      } else if (remaining > 0 && !this.announced.has(before)) {
        this.announced.add(before);
        due.push(before);
      }
    }
    return due;
  }
}
