import type { CandidateTile, MachineTile } from '@exam/protocol';

/** What a tile shows as the candidate's state; a pending reset outranks the server status. */
export type DisplayState =
  | 'not-arrived'
  | 'logged-in'
  | 'answering'
  | 'handed-in'
  | 'absent'
  | 'reset-pending';

export function displayState(t: CandidateTile): DisplayState {
  if (t.resetPending) return 'reset-pending';
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

/** Seconds since the last acknowledged save; the proctor's sign that a machine went quiet. */
export const QUIET_AFTER_S = 60;

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

/** Whether a tile needs the proctor's eyes: offline while answering, reset, quiet, flagged. */
export function needsAttention(t: CandidateTile, machine: MachineTile | null, serverNow: number): boolean {
  if (t.resetPending || t.violations > 0) return true;
  if (machine?.check && machine.check.shortfalls.length > 0) return true;
  if (t.status !== 'answering') return false;
  if (!t.online) return true;
  const quiet = secondsSinceSync(t, serverNow);
  return quiet !== null && quiet > QUIET_AFTER_S;
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
  serverNow: number,
  search = '',
): boolean {
  const q = search.trim();
  if (q && !t.ticketNo.endsWith(q) && !t.name.includes(q) && String(t.seatNo ?? '') !== q) return false;
  switch (filter) {
    case 'all':
      return true;
    case 'attention':
      return needsAttention(t, machine, serverNow);
    case 'offline':
      return !t.online && (t.status === 'answering' || t.status === 'logged-in');
    default:
      return displayState(t) === filter || (filter === 'answering' && displayState(t) === 'reset-pending');
  }
}

/** Sites run on China Standard Time whatever the machine's zone; times are the server's. */
const SITE_UTC_OFFSET_MS = 8 * 3_600_000;

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
