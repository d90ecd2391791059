import type { CandidateTile, RoomAlert } from '@exam/protocol';
import type { HistoryEntry } from '../shared/api.js';

export type NewEntry = Omit<HistoryEntry, 'id'>;

/**
 * What changed for one candidate between two tiles, as history lines. Extensions, resets
 * and violations this console made itself are logged with their reason when the command
 * succeeds, so the tile change is skipped for those (`recentOwn`).
 */
export function tileEvents(
  prev: CandidateTile | undefined,
  next: CandidateTile,
  at: number,
  recentOwn: (kind: 'reset' | 'extension' | 'violation') => boolean = () => false,
): NewEntry[] {
  if (!prev) return [];
  const out: NewEntry[] = [];
  const line = (kind: HistoryEntry['kind'], params: HistoryEntry['params'] = {}) =>
    out.push({ at, ticketNo: next.ticketNo, sittingId: next.sittingId, kind, params });
  if (prev.status !== next.status) line('status', { from: prev.status, to: next.status });
  if (prev.seatNo !== next.seatNo) line('seat', { from: prev.seatNo, to: next.seatNo });
  if (!prev.resetPending && next.resetPending && !recentOwn('reset')) line('reset', { reason: null });
  if (prev.resetPending && !next.resetPending) line('relogin', { seatNo: next.seatNo });
  if (prev.online !== next.online) {
    line(next.online ? 'online' : 'offline', { lastSyncAt: prev.lastSyncAt });
  }
  if (next.extensionMs > prev.extensionMs && !recentOwn('extension')) {
    line('extension', { minutes: Math.round((next.extensionMs - prev.extensionMs) / 60_000), reason: null });
  }
  if (next.violations > prev.violations && !recentOwn('violation')) line('violation', { category: null });
  return out;
}

export function alertEntry(alert: RoomAlert, sittingId: string | null): NewEntry {
  return {
    at: alert.at,
    ticketNo: alert.ticketNo,
    sittingId,
    kind: 'alert',
    params: { alert: alert.kind, detail: alert.detail, seatNo: alert.seatNo },
  };
}

/** The console's own record of what happened in its room, newest last, bounded. */
export class HistoryLog {
  private entries: HistoryEntry[] = [];
  private nextId = 1;

  constructor(private readonly limit = 5000) {}

  add(entry: NewEntry): HistoryEntry {
    const full = { id: this.nextId++, ...entry };
    this.entries.push(full);
    if (this.entries.length > this.limit) this.entries = this.entries.slice(-this.limit);
    return full;
  }

  all(): HistoryEntry[] {
    return [...this.entries];
  }

  private readonly expected = new Map<string, number>();

  /** This console made a change itself; the tile change it causes is already logged. */
  expect(ticketNo: string, kind: HistoryEntry['kind']): void {
    const key = `${ticketNo}:${kind}`;
    this.expected.set(key, (this.expected.get(key) ?? 0) + 1);
  }

  /** Whether the tile change was one this console logged itself (each expectation used once). */
  consumeExpected(ticketNo: string, kind: HistoryEntry['kind']): boolean {
    const key = `${ticketNo}:${kind}`;
    const n = this.expected.get(key) ?? 0;
    if (n === 0) return false;
    if (n === 1) this.expected.delete(key);
    else this.expected.set(key, n - 1);
    return true;
  }
}
