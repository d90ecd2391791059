import type { MachineTile } from '@exam/protocol';
import { describe, expect, it } from 'vitest';
import { currentSitting, seatCells, seatMachineState } from './seats.js';
import { tileOf } from './testTiles.js';

const machine = (seatNo: number, online = true) => ({
  machineId: `m-${seatNo}`,
  seatNo,
  online,
  clientVersion: '1',
  check: null,
  released: [],
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

describe('a seat’s machine for the selected sitting', () => {
  const checked = (over: Partial<MachineTile> = {}): MachineTile => ({
    ...machine(3),
    check: {
      screenWidth: 1024,
      screenHeight: 768,
      freeMemoryBytes: 2 ** 31,
      freeDiskBytes: 2 ** 33,
      displays: 1,
      ipAddress: '10.0.0.3',
      shortfalls: [],
    },
    ...over,
  });
  const released = [{ sittingId: 'S-J-ECON', ticketNo: '210400100007', ticketTail: '007' }];

  it('is ready when online at its seat with the check passed and nobody logged in on it', () => {
    expect(seatMachineState(checked(), null, 'S-J-ECON')).toEqual({ kind: 'ready' });
    const waiting = tileOf({ seatNo: 3, status: 'not-started', online: false });
    expect(seatMachineState(checked(), waiting, 'S-J-ECON')).toEqual({ kind: 'ready' });
  });

  it('is not ready offline, unchecked, failing its check, or while a candidate is on it', () => {
    expect(seatMachineState(checked({ online: false }), null, 'S-J-ECON')).toBeNull();
    expect(seatMachineState(machine(3), null, 'S-J-ECON')).toBeNull();
    const failing = checked();
    failing.check!.shortfalls = ['SCREEN_TOO_SMALL'];
    expect(seatMachineState(failing, null, 'S-J-ECON')).toBeNull();
    for (const status of ['logged-in', 'answering', 'handed-in'] as const)
      expect(seatMachineState(checked(), tileOf({ seatNo: 3, status }), 'S-J-ECON'), status).toBeNull();
    expect(seatMachineState(null, null, 'S-J-ECON')).toBeNull();
  });

  it('shows a machine a reset released as released, with whose it was, never as a free spare', () => {
    expect(seatMachineState(checked({ released }), null, 'S-J-ECON')).toEqual({
      kind: 'released',
      ticketTail: '007',
    });
    const pending = tileOf({ seatNo: 3, ticketNo: '210400100007', resetPending: true });
    expect(seatMachineState(checked({ released }), pending, 'S-J-ECON')).toMatchObject({ kind: 'released' });
    // In the next sitting the machine serves again.
    expect(seatMachineState(checked({ released }), null, 'S-J-PRAC')).toEqual({ kind: 'ready' });
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
