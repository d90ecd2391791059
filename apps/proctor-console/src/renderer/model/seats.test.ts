import { describe, expect, it } from 'vitest';
import { currentSitting, seatCells } from './seats.js';
import { tileOf } from './testTiles.js';

const machine = (seatNo: number, online = true) => ({
  machineId: `m-${seatNo}`,
  seatNo,
  online,
  clientVersion: '1',
  check: null,
});

describe('the seat map', () => {
  it('has one cell per seat, with the machine and the candidate sitting there', () => {
    const { cells, unseated } = seatCells(3, [tileOf({ seatNo: 2 })], [machine(2), machine(3, false)]);
    expect(cells.map((c) => [c.seatNo, c.machine?.online ?? null, c.candidate?.seatNo ?? null])).toEqual([
      [1, null, null],
      [2, true, 2],
      [3, false, null],
    ]);
    expect(unseated).toEqual([]);
  });

  it('gives a seat to the candidate who logged in there and lists the absent one assigned to it apart', () => {
    const moved = tileOf({ ticketNo: '210400100001', seatNo: 4 });
    const absent = tileOf({ ticketNo: '210400100004', seatNo: 4, status: 'absent', online: false });
    const unassigned = tileOf({ ticketNo: '210400100009', seatNo: null, status: 'not-started' });
    const { cells, unseated } = seatCells(4, [absent, moved, unassigned], []);
    expect(cells[3]?.candidate?.ticketNo).toBe('210400100001');
    expect(unseated.map((t) => t.ticketNo)).toEqual(['210400100004', '210400100009']);
  });
});

describe('the sitting the console shows first', () => {
  it('is the earliest one not yet ended', () => {
    const s = (sittingId: string, scheduledStart: number, endedAt: number | null) => ({
      sittingId,
      subjectName: sittingId,
      scheduledStart,
      loginOpenedAt: null,
      startedAt: null,
      endedAt,
    });
    expect(currentSitting([s('B', 2, null), s('A', 1, 5), s('C', 3, null)])?.sittingId).toBe('B');
    expect(currentSitting([s('A', 1, 5)])?.sittingId).toBe('A');
  });
});
