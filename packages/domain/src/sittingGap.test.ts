import { describe, expect, it } from 'vitest';
import {
  RULES,
  type ScheduledSitting,
  SITE_UTC_OFFSET_MS,
  siteLocalDate,
  siteLocalDateTime,
  sittingGapConflict,
} from './index.js';

const MIN = 60_000;
const T0 = Date.UTC(2021, 9, 23, 0, 30); // 08:30 at the site
const junior = (sittingId: string, start: number): ScheduledSitting => ({
  sittingId,
  level: 'junior',
  scheduledStart: start,
});

describe('gap between a candidate’s sittings', () => {
  it('accepts the notice’s batch: 08:30–10:00, then 10:40 (40 minutes end to start)', () => {
    expect(RULES.gapBetweenSittingsMs).toBe(40 * MIN);
    expect(sittingGapConflict([junior('A', T0), junior('B', T0 + 130 * MIN)])).toBeNull();
  });

  it('refuses 39 minutes, in whatever order the sittings are listed', () => {
    const a = junior('A', T0);
    const b = junior('B', T0 + 129 * MIN);
    expect(sittingGapConflict([b, a])).toEqual({ earlier: a, later: b, gapMs: 39 * MIN });
  });

  it('measures from the end of the earlier sitting by its level’s duration', () => {
    const senior: ScheduledSitting = { sittingId: 'S', level: 'senior', scheduledStart: T0 };
    expect(sittingGapConflict([senior, junior('J', T0 + 219 * MIN)])?.gapMs).toBe(39 * MIN);
    expect(sittingGapConflict([senior, junior('J', T0 + 220 * MIN)])).toBeNull();
  });

  it('refuses overlapping sittings and accepts a single one', () => {
    expect(sittingGapConflict([junior('A', T0), junior('B', T0)])?.gapMs).toBe(-90 * MIN);
    expect(sittingGapConflict([junior('A', T0)])).toBeNull();
  });
});

describe('site offset', () => {
  it('reads instants at UTC+8 all year (China keeps no daylight saving time)', () => {
    expect(SITE_UTC_OFFSET_MS).toBe(8 * 3_600_000);
    expect(siteLocalDateTime(T0)).toBe('2021-10-23 08:30');
    expect(siteLocalDate(Date.UTC(2021, 9, 23, 16, 0))).toBe('2021-10-24');
    expect(siteLocalDate(Date.UTC(2021, 6, 1, 15, 59))).toBe('2021-07-01');
  });
});
