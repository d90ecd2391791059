import { SITE_UTC_OFFSET_MS } from '@exam/domain';
import type { CandidateTile, MachineTile } from '@exam/protocol';

/** What a tile shows as the candidate's state; a pending reset outranks the server status. */
export type DisplayState =
  | 'not-arrived'
  | 'logged-in'
  | 'answering'
  | 'handed-in'
  | 'absent'
  | 'reset-pending'
  | 'standalone';

/**
 * `standalone`: the candidate's standalone package is out (issue 17); they continue on a
 * machine with no network, so the tile says so rather than "offline" until it is collected.
 */
export function displayState(t: CandidateTile, standalone = false): DisplayState {
  if (standalone && t.status !== 'handed-in' && t.status !== 'absent') return 'standalone';
  // Handed in is final: a candidate released for a standalone package (a reset underneath)
  // who handed in there shows as handed in once the answer file is collected.
  if (t.resetPending && t.status !== 'handed-in') return 'reset-pending';
  switch (t.status) {
    case 'not-started':
      return 'not-arrived';
    case 'logged-in':
      return 'logged-in';
    case 'answering':
      return 'answering';
    case 'handed-in':
      return 'handed-in';
    case 'absent':
      return 'absent';
  }
}

export function secondsSinceSync(t: CandidateTile, serverNow: number): number | null {
  return t.lastSyncAt === null ? null : Math.max(0, Math.floor((serverNow - t.lastSyncAt) / 1000));
}

export function remainingMs(t: CandidateTile, serverNow: number): number | null {
  if (t.endsAt === null || t.status === 'handed-in' || t.status === 'absent') return null;
  return Math.max(0, t.endsAt - serverNow);
}

export function formatDuration(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * Whether a tile needs the proctor's eyes: offline while answering, reset, a violation, a
 * failed machine check. Time since the last save is not a sign: a candidate thinking over a
 * case for ten minutes saves nothing, while a machine that dies loses its connection, which
 * the server notices within socket.io's ping timeout and shows as offline.
 */
export function needsAttention(t: CandidateTile, machine: MachineTile | null): boolean {
  if (t.resetPending || t.violations > 0) return true;
  if (machine?.check && machine.check.shortfalls.length > 0) return true;
  return t.status === 'answering' && !t.online;
}

export const FILTERS = Object.freeze([
  'all',
  'attention',
  'not-arrived',
  'logged-in',
  'answering',
  'handed-in',
  'absent',
  'offline',
] as const);
export type Filter = (typeof FILTERS)[number];

export function matchesFilter(
  t: CandidateTile,
  machine: MachineTile | null,
  filter: Filter,
  search = '',
): boolean {
  const q = search.trim();
  if (q && !t.ticketNo.endsWith(q) && !t.name.includes(q) && String(t.seatNo ?? '') !== q) return false;
  switch (filter) {
    case 'all':
      return true;
    case 'attention':
      return needsAttention(t, machine);
    case 'offline':
      return !t.online && (t.status === 'answering' || t.status === 'logged-in');
    default:
      return displayState(t) === filter || (filter === 'answering' && displayState(t) === 'reset-pending');
  }
}

/** Sites run on China Standard Time whatever the machine's zone; times are the server's. */
export function clockText(epochMs: number, withDate = false): string {
  const iso = new Date(epochMs + SITE_UTC_OFFSET_MS).toISOString();
  return withDate ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : iso.slice(11, 19);
}

export type MachineCheckState = 'ok' | 'fail' | 'pending' | 'none';

export function machineCheckState(m: MachineTile | null): MachineCheckState {
  if (!m) return 'none';
  if (!m.check) return 'pending';
  return m.check.shortfalls.length > 0 ? 'fail' : 'ok';
}
