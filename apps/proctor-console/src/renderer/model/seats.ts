import type { CandidateTile, MachineTile, RoomSittingView } from '@exam/protocol';

export interface SeatCell {
  seatNo: number;
  machine: MachineTile | null;
  candidate: CandidateTile | null;
}

/** Someone who really sat down outranks a seat merely assigned on the roster. */
function seatRank(t: CandidateTile): number {
  if (t.status === 'answering' || t.status === 'logged-in' || t.status === 'handed-in')
    return t.online ? 0 : 1;
  if (t.resetPending) return 2;
  if (t.status === 'not-started') return 3;
  return 4;
}

/**
 * One cell per seat, in seat order, plus the candidates who hold no seat of their own
 * (overbooked rooms before login show `---`; someone displaced by a reset).
 */
export function seatCells(
  seats: number,
  tiles: readonly CandidateTile[],
  machines: readonly MachineTile[],
): { cells: SeatCell[]; unseated: CandidateTile[] } {
  const bySeat = new Map<number, CandidateTile[]>();
  const unseated: CandidateTile[] = [];
  for (const t of tiles) {
    if (t.seatNo === null) unseated.push(t);
    else bySeat.set(t.seatNo, [...(bySeat.get(t.seatNo) ?? []), t]);
  }
  const machineBySeat = new Map(machines.map((m) => [m.seatNo, m]));
  const highest = Math.max(seats, ...bySeat.keys(), ...machineBySeat.keys(), 0);
  const cells: SeatCell[] = [];
  for (let seatNo = 1; seatNo <= highest; seatNo++) {
    const here = (bySeat.get(seatNo) ?? []).sort((a, b) => seatRank(a) - seatRank(b));
    const [first, ...rest] = here;
    unseated.push(...rest);
    cells.push({ seatNo, machine: machineBySeat.get(seatNo) ?? null, candidate: first ?? null });
  }
  unseated.sort((a, b) => a.ticketNo.localeCompare(b.ticketNo));
  return { cells, unseated };
}

/**
 * What the seat's machine offers the selected sitting when nobody is on it: `ready` (online at
 * its seat, its environment check passed, nobody logged in on it for this sitting) or
 * `released` (a reset released it in this sitting: its screen is locked, it is no spare), with
 * the released candidate's ticket tail. Null while a candidate of the sitting is on it (or
 * was, until the hand-in) and when there is no machine.
 */
export type SeatMachineState = { kind: 'ready' } | { kind: 'released'; ticketTail: string };

const ON_THE_MACHINE: ReadonlySet<CandidateTile['status']> = new Set(['logged-in', 'answering', 'handed-in']);

export function seatMachineState(
  machine: MachineTile | null,
  candidate: CandidateTile | null,
  sittingId: string | null,
): SeatMachineState | null {
  if (!machine) return null;
  if (candidate && !candidate.resetPending && ON_THE_MACHINE.has(candidate.status)) return null;
  const released = machine.released.filter((r) => r.sittingId === sittingId).at(-1);
  if (released) return { kind: 'released', ticketTail: released.ticketTail };
  const checked = machine.check !== null && machine.check.shortfalls.length === 0;
  return machine.online && checked ? { kind: 'ready' } : null;
}

/** The sitting the proctor is most likely running now: the first one not yet ended. */
export function currentSitting(sittings: readonly RoomSittingView[]): RoomSittingView | null {
  const open = sittings.filter((s) => s.endedAt === null).sort((a, b) => a.scheduledStart - b.scheduledStart);
  return open[0] ?? sittings.at(-1) ?? null;
}
