import type { Notice } from '@exam/protocol';

/**
 * The proctor's notices this candidate has not dismissed yet, and the dismissals the server
 * has not heard of. A dismissal made offline is kept and sent on the next connection; the
 * server re-sends unacknowledged notices at every resume, so those already dismissed here
 * must not come back on screen.
 */
export class NoticeBox {
  private readonly shown = new Map<number, Notice>();
  private readonly unsent = new Set<number>();

  receive(n: Notice): boolean {
    if (this.shown.has(n.noticeId) || this.unsent.has(n.noticeId)) return false;
    this.shown.set(n.noticeId, n);
    return true;
  }

  /** The server's list at login or resume: everything it has not seen acknowledged. */
  replace(fromServer: readonly Notice[]): void {
    this.shown.clear();
    for (const n of fromServer) if (!this.unsent.has(n.noticeId)) this.shown.set(n.noticeId, n);
  }

  dismiss(noticeId: number): boolean {
    if (!this.shown.delete(noticeId)) return false;
    this.unsent.add(noticeId);
    return true;
  }

  /**
   * Sends the dismissals still owed, oldest first. One refused for good (`refused`: not this
   * candidate's notice, e.g. after a reset) is dropped; any other failure stops until the
   * next call (the next connection).
   */
  async sendDismissals(send: (noticeId: number) => Promise<void>, refused: (e: unknown) => boolean) {
    for (const noticeId of [...this.unsent]) {
      try {
        await send(noticeId);
      } catch (e) {
        if (!refused(e)) return;
      }
      this.unsent.delete(noticeId);
    }
  }

  /** Oldest first, as they were sent. */
  list(): Notice[] {
    return [...this.shown.values()].sort((a, b) => a.at - b.at || a.noticeId - b.noticeId);
  }

  clear(): void {
    this.shown.clear();
    this.unsent.clear();
  }
}
