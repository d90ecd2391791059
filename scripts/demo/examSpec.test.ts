import { arrangementProblems } from '@exam/domain';
import { describe, expect, it } from 'vitest';
import { demoExam } from './examSpec.js';

/** The demo's overbooked option (issue 19): off by default, so today's demo is unchanged. */
describe('demo exam: overbooked option', () => {
  it('is a normal site by default: every candidate seated, every room within its machines', () => {
    const { spec } = demoExam(60);
    expect(spec.site).toEqual({ siteId: 'LN-0101', name: '沈阳市第一考点' });
    expect(spec.candidates.every((c) => c.seatNo !== null)).toBe(true);
    expect(arrangementProblems(spec.rooms, spec.candidates, false)).toEqual([]);
  });

  it('runs overbooked on request: no seats, R01 over its machines within the 30% cap', () => {
    const { spec } = demoExam(60, { overbooked: true });
    expect(spec.site.overbooked).toBe(true);
    expect(spec.candidates.every((c) => c.seatNo === null)).toBe(true);
    expect(arrangementProblems(spec.rooms, spec.candidates, true)).toEqual([]);
    const r01 = spec.rooms.find((r) => r.roomId === 'R01')!;
    const busiest = Math.max(
      ...spec.sittings.map(
        (s) => spec.candidates.filter((c) => c.roomId === 'R01' && c.sittingIds.includes(s.sittingId)).length,
      ),
    );
    expect(busiest).toBeGreaterThan(r01.seats);
    // R02 has the machines R01 lacks, so the site can seat everyone who comes.
    const normal = demoExam(60).spec.rooms;
    expect(spec.rooms[1]!.seats - normal[1]!.seats).toBe(normal[0]!.seats - r01.seats);
  });
});
