import { describe, expect, it } from 'vitest';
import { arrangementProblems, drawSeat } from './index.js';

const room = (roomId: string, seats: number) => ({ roomId, name: `考场${roomId}`, seats });
const many = (roomId: string, n: number, seated: boolean) =>
  Array.from({ length: n }, (_, i) => ({
    ticketNo: `${roomId}-${i + 1}`,
    roomId,
    seatNo: seated ? i + 1 : null,
    sittingIds: ['S1'],
  }));

describe('overbooking arrangement', () => {
  it('accepts 130 candidates for 100 machines at an overbooked site', () => {
    expect(arrangementProblems([room('R01', 100)], many('R01', 130, false), true)).toEqual([]);
  });

  it('refuses 131 candidates for 100 machines, naming the room and the figures', () => {
    const problems = arrangementProblems([room('R01', 100)], many('R01', 131, false), true);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('考场 R01');
    expect(problems[0]).toContain('131 名考生，100 台机位，超排上限 130');
  });

  it('refuses a room over its machines when the site is not marked overbooked', () => {
    const problems = arrangementProblems(
      [room('R01', 100), room('R02', 100)],
      [...many('R01', 101, true), ...many('R02', 100, true)],
      false,
    );
    expect(problems.join('\n')).toContain('101 名考生，100 台机位');
    expect(problems.join('\n')).toContain('not marked overbooked');
  });

  it('refuses seat numbers at an overbooked site and a missing seat at a normal one', () => {
    expect(arrangementProblems([room('R01', 10)], many('R01', 5, true), true).join()).toContain(
      'carry no seat number',
    );
    expect(arrangementProblems([room('R01', 10)], many('R01', 5, false), false).join()).toContain(
      'every candidate needs a seat',
    );
  });

  it('counts each sitting on its own: the machines serve every sitting anew', () => {
    const morning = many('R01', 100, true);
    const afternoon = many('R01', 100, true).map((c) => ({
      ...c,
      ticketNo: `${c.ticketNo}b`,
      sittingIds: ['S2'],
    }));
    expect(arrangementProblems([room('R01', 100)], [...morning, ...afternoon], false)).toEqual([]);
    const both = [...morning, { ticketNo: 'x', roomId: 'R01', seatNo: 1, sittingIds: ['S1', 'S2'] }];
    expect(arrangementProblems([room('R01', 100)], both, false).join()).toContain(
      'sitting S1: 101 candidates',
    );
  });

  it('accepts a normal site with every candidate seated within the room', () => {
    expect(arrangementProblems([room('R01', 10)], many('R01', 10, true), false)).toEqual([]);
  });
});

describe('seat drawing', () => {
  const first = () => 0;
  const last = (n: number) => n - 1;

  it('offers only free approved seats, never a taken or reserved one', () => {
    expect(drawSeat([1, 2, 3, 4], [1, 2], [], first)).toBe(3);
    expect(drawSeat([1, 2, 3, 4], [1, 2], [], last)).toBe(4);
  });

  it('draws uniformly over the free seats', () => {
    const seen = new Map<number, number>();
    for (let i = 0; i < 4; i++) {
      const s = drawSeat([5, 1, 3, 7], [3], [], () => i % 3)!;
      seen.set(s, (seen.get(s) ?? 0) + 1);
    }
    // index 0, 1, 2, 0 over the sorted free seats 1, 5, 7
    expect([...seen]).toEqual([
      [1, 2],
      [5, 1],
      [7, 1],
    ]);
  });

  it('skips the seats just offered on a redraw, unless nothing else is free', () => {
    expect(drawSeat([1, 2, 3], [], [1, 2], first)).toBe(3);
    expect(drawSeat([1, 2, 3], [1, 2], [3], first)).toBe(3);
  });

  it('offers none when the room is full', () => {
    expect(drawSeat([1, 2], [1, 2], [], first)).toBeNull();
    expect(drawSeat([], [], [], first)).toBeNull();
  });
});
