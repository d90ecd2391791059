import type { ClientAlert } from '@exam/protocol';

/** Alerts wait here while offline; a proctor should still learn of a focus loss during a cut. */
const MAX_QUEUED = 100;

export class AlertQueue {
  private readonly queued: ClientAlert[] = [];
  private flushing = false;

  constructor(private readonly send: (alert: ClientAlert) => Promise<unknown>) {}

  get size(): number {
    return this.queued.length;
  }

  add(alert: ClientAlert): void {
    // The oldest go first when the queue is full: a flood of one kind says enough.
    if (this.queued.length >= MAX_QUEUED) this.queued.shift();
    this.queued.push(alert);
  }

  /** Sends in order until one fails; the rest wait for the next flush (a reconnect). */
  async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queued.length > 0) {
        await this.send(this.queued[0]!);
        this.queued.shift();
      }
    } catch {
      // Offline again or refused: kept for the next connection.
    } finally {
      this.flushing = false;
    }
  }
}
