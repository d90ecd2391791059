import { describe, expect, it } from 'vitest';
import {
  clockText,
  displayState,
  formatDuration,
  matchesFilter,
  needsAttention,
  remainingMs,
} from './display.js';
import { tileOf } from './testTiles.js';

const NOW = 1_000_000 + 30_000;

describe('what a tile shows', () => {
  it('shows a pending reset over the server status, and not-started as not arrived', () => {
    expect(displayState(tileOf({ resetPending: true }))).toBe('reset-pending');
    expect(displayState(tileOf({ status: 'not-started' }))).toBe('not-arrived');
  });

  it('counts remaining time from the candidate’s own end and stops once handed in', () => {
    expect(remainingMs(tileOf({ endsAt: NOW + 61_000 }), NOW)).toBe(61_000);
    expect(remainingMs(tileOf({ status: 'handed-in' }), NOW)).toBeNull();
    expect(formatDuration(61_000)).toBe('01:01');
    expect(formatDuration(90 * 60_000)).toBe('1:30:00');
  });

  it('flags offline answering candidates, resets and failed machine checks, not one who is thinking', () => {
    expect(needsAttention(tileOf(), null)).toBe(false);
    expect(needsAttention(tileOf({ online: false }), null)).toBe(true);
    // Online and silent for five minutes: thinking, not a problem.
    expect(needsAttention(tileOf({ lastSyncAt: NOW - 5 * 60_000 }), null)).toBe(false);
    expect(matchesFilter(tileOf({ lastSyncAt: NOW - 5 * 60_000 }), null, 'attention')).toBe(false);
    expect(needsAttention(tileOf({ status: 'handed-in', online: false }), null)).toBe(false);
    const failed = {
      machineId: 'm',
      seatNo: 1,
      online: true,
      clientVersion: '1',
      check: {
        screenWidth: 800,
        screenHeight: 600,
        freeMemoryBytes: 1,
        freeDiskBytes: 1,
        displays: 1,
        ipAddress: '10.0.0.1',
        shortfalls: ['SCREEN_TOO_SMALL'],
      },
      released: [],
    };
    expect(needsAttention(tileOf(), failed)).toBe(true);
  });

  it('filters by state and finds a candidate by ticket tail, name or seat', () => {
    const t = tileOf({ seatNo: 12 });
    expect(matchesFilter(t, null, 'answering')).toBe(true);
    expect(matchesFilter(t, null, 'handed-in')).toBe(false);
    expect(matchesFilter(t, null, 'all', '001')).toBe(true);
    expect(matchesFilter(t, null, 'all', '张')).toBe(true);
    expect(matchesFilter(t, null, 'all', '12')).toBe(true);
    expect(matchesFilter(t, null, 'all', '999')).toBe(false);
  });

  it('prints times in the site’s time zone (UTC+8)', () => {
    expect(clockText(Date.UTC(2021, 9, 23, 0, 30, 5))).toBe('08:30:05');
  });
});
