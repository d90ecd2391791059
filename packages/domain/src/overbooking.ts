import { maxCandidatesFor } from './thresholds.js';

/**
 * Overbooking (annex 4): a site may seat up to 30% more candidates than a room has machines.
 * One overbooked room makes the whole site overbooked; then no candidate carries a seat
 * number (the proctor assigns one at entry), and at a normal site every one does.
 */

export interface ArrangedRoom {
  roomId: string;
  name: string;
  seats: number;
}

export interface ArrangedCandidate {
  ticketNo: string;
  roomId: string;
  seatNo: number | null;
  /** The sittings they sit: a room's machines serve each sitting anew. */
  sittingIds: readonly string[];
}

/**
 * Why an arrangement cannot run, each problem a sentence naming the room (or the candidate)
 * and the figures; none when it can. Counted per room and sitting, since each sitting uses
 * the room's machines afresh. The centre tool and the site's import both ask.
 */
export function arrangementProblems(
  rooms: readonly ArrangedRoom[],
  candidates: readonly ArrangedCandidate[],
  overbooked: boolean,
): string[] {
  const problems: string[] = [];
  const counts = new Map<string, Map<string, number>>();
  for (const c of candidates) {
    let perSitting = counts.get(c.roomId);
    if (!perSitting) {
      perSitting = new Map();
      counts.set(c.roomId, perSitting);
    }
    for (const s of c.sittingIds) perSitting.set(s, (perSitting.get(s) ?? 0) + 1);
  }
  for (const r of rooms) {
    const cap = maxCandidatesFor(r.seats);
    for (const [sittingId, n] of counts.get(r.roomId) ?? []) {
      if (overbooked && n > cap) {
        problems.push(
          `考场 ${r.roomId}（${r.name}）：${n} 名考生，${r.seats} 台机位，超排上限 ${cap} / ` +
            `room ${r.roomId}, sitting ${sittingId}: ${n} candidates for ${r.seats} machines, more than the overbooking cap of ${cap}.`,
        );
      } else if (!overbooked && n > r.seats) {
        problems.push(
          `考场 ${r.roomId}（${r.name}）：${n} 名考生，${r.seats} 台机位；超排的考点须标记为超排考点（上限 ${cap}） / ` +
            `room ${r.roomId}, sitting ${sittingId}: ${n} candidates for ${r.seats} machines, but the site is not marked overbooked (cap ${cap}).`,
        );
      }
    }
  }
  const withSeat = candidates.filter((c) => c.seatNo !== null);
  const withoutSeat = candidates.filter((c) => c.seatNo === null);
  if (overbooked && withSeat.length > 0) {
    problems.push(
      `超排考点的考生不排座位号，但 ${withSeat.length} 名考生有座位号（如 ${withSeat[0]!.ticketNo}） / ` +
        `an overbooked site's candidates carry no seat number, but ${withSeat.length} do (e.g. ${withSeat[0]!.ticketNo}).`,
    );
  }
  if (!overbooked && withoutSeat.length > 0) {
    problems.push(
      `非超排考点的考生须有座位号，但 ${withoutSeat.length} 名考生没有（如 ${withoutSeat[0]!.ticketNo}） / ` +
        `at a site that is not overbooked every candidate needs a seat, but ${withoutSeat.length} have none (e.g. ${withoutSeat[0]!.ticketNo}).`,
    );
  }
  return problems;
}

/**
 * The random seat offered to an arriving candidate: uniformly one of the room's free approved
 * seats, none taken by a candidate of this sitting or reserved for another. A redraw excludes
 * the seats just offered, unless nothing else is free (then the offer may repeat).
 * `randomInt(n)` returns 0..n-1 (crypto.randomInt on the site). Null when no seat is free:
 * the room is full and the candidate is to be transferred out.
 */
export function drawSeat(
  approvedSeats: readonly number[],
  unavailable: Iterable<number>,
  excluded: Iterable<number>,
  randomInt: (n: number) => number,
): number | null {
  const blocked = new Set(unavailable);
  const free = [...new Set(approvedSeats)].filter((s) => !blocked.has(s)).sort((a, b) => a - b);
  if (free.length === 0) return null;
  const skip = new Set(excluded);
  const fresh = free.filter((s) => !skip.has(s));
  const pool = fresh.length > 0 ? fresh : free;
  return pool[randomInt(pool.length)]!;
}
