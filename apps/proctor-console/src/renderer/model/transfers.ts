import type { CandidateTile, TransferView } from '@exam/protocol';

/**
 * Overbooking (annex 4, issue 19) as the console shows it: pure helpers over the tiles and the
 * site's transfers, so the dialogs stay thin and the unit tests need no browser.
 */

/**
 * Whether this room runs as overbooked. The room picture carries no flag: at a normal site
 * every candidate has an arranged seat, so a candidate without one (before login), or any
 * transfer at all, shows the site is overbooked.
 */
export function isOverbooked(tiles: readonly CandidateTile[], transfers: readonly TransferView[]): boolean {
  return transfers.length > 0 || tiles.some((t) => t.seatNo === null && t.status === 'not-started');
}

/** A candidate the entry dialog may seat: not logged in, not absent, not handed in. */
export function isArriving(t: CandidateTile): boolean {
  return t.status === 'not-started' && !t.resetPending;
}

export type ArrivalMatch =
  | { kind: 'none' }
  | { kind: 'one'; tile: CandidateTile }
  | { kind: 'many'; tiles: CandidateTile[] };

/** The shortest tail worth matching: the room lists its candidates by the last three digits. */
export const MIN_TAIL_DIGITS = 3;

/**
 * Finds the arriving candidate by what the proctor typed: the ticket's last digits, or the
 * whole ticket number as a USB scanner types it (any characters around the digits ignored).
 * A tail several tickets share lists them all, so the proctor types more digits.
 */
export function findArriving(
  tiles: readonly CandidateTile[],
  typed: string,
  sittingId: string,
): ArrivalMatch {
  const runs = typed.match(/\d+/g) ?? [];
  const digits = runs.find((r) => r.length >= 8) ?? runs.join('');
  if (digits.length < MIN_TAIL_DIGITS) return { kind: 'none' };
  const here = tiles.filter((t) => t.sittingId === sittingId);
  const found =
    digits.length >= 8
      ? here.filter((t) => t.ticketNo === digits)
      : here.filter((t) => t.ticketNo.endsWith(digits));
  const [first, ...rest] = found;
  if (!first) return { kind: 'none' };
  return rest.length === 0 ? { kind: 'one', tile: first } : { kind: 'many', tiles: found };
}

/** The room's own transfers out, newest first. */
export function transfersOut(transfers: readonly TransferView[], roomId: string): TransferView[] {
  return transfers.filter((t) => t.fromRoomId === roomId).sort((a, b) => b.outAt - a.outAt);
}

/** Open transfers out of other rooms: those this room may take in, oldest first. */
export function transfersToTakeIn(transfers: readonly TransferView[], roomId: string): TransferView[] {
  return transfers
    .filter((t) => t.state === 'out' && t.fromRoomId !== roomId)
    .sort((a, b) => a.outAt - b.outAt);
}

/** Transfers this room took in. */
export function transfersIn(transfers: readonly TransferView[], roomId: string): TransferView[] {
  return transfers.filter((t) => t.toRoomId === roomId && t.state === 'in');
}

/** The room's transfers out that no room took: each blocks its end until resolved. */
export function unresolvedOut(
  transfers: readonly TransferView[],
  roomId: string,
  sittingId?: string,
): TransferView[] {
  return transfers.filter(
    (t) =>
      t.fromRoomId === roomId && t.state === 'out' && (sittingId === undefined || t.sittingId === sittingId),
  );
}

/** The candidate's open transfer out of this room, if any (their tile stays until taken in). */
export function openTransferOf(
  transfers: readonly TransferView[],
  roomId: string,
  ticketNo: string,
): TransferView | null {
  return (
    transfers.find((t) => t.fromRoomId === roomId && t.ticketNo === ticketNo && t.state === 'out') ?? null
  );
}
