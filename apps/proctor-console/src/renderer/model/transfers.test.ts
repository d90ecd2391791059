import { ERROR_CODES, type TransferView } from '@exam/protocol';
import { describe, expect, it } from 'vitest';
import { errorText, translator } from './i18n.js';
import { applyPush, EMPTY_MODEL } from './roomModel.js';
import { tileOf } from './testTiles.js';
import {
  findArriving,
  isOverbooked,
  openTransferOf,
  transfersIn,
  transfersOut,
  transfersToTakeIn,
  unresolvedOut,
} from './transfers.js';

const S = 'S-J-ECON';
const arriving = (ticketNo: string) =>
  tileOf({ ticketNo, seatNo: null, status: 'not-started', online: false });

function transfer(over: Partial<TransferView>): TransferView {
  return {
    transferId: 1,
    sittingId: S,
    ticketNo: '210400100005',
    name: '李四',
    ticketTail: '005',
    fromRoomId: 'R1',
    fromRoomName: '第1考场',
    toRoomId: null,
    toRoomName: null,
    state: 'out',
    reason: '考场已满',
    outAt: 1000,
    outBy: '监考R1',
    inAt: null,
    inBy: null,
    resolvedAt: null,
    resolvedBy: null,
    outcome: null,
    note: null,
    ...over,
  };
}

describe('overbooking in the console model', () => {
  it('sees an overbooked room by a candidate without a seat or by any transfer, not otherwise', () => {
    expect(isOverbooked([tileOf()], [])).toBe(false);
    expect(isOverbooked([tileOf(), arriving('210400100002')], [])).toBe(true);
    expect(isOverbooked([tileOf()], [transfer({})])).toBe(true);
  });

  it('finds the arriving candidate by the ticket tail or the scanned whole ticket', () => {
    const tiles = [arriving('210400100012'), arriving('210400200112'), arriving('210400100013')];
    expect(findArriving(tiles, '013', S)).toMatchObject({ kind: 'one', tile: { ticketNo: '210400100013' } });
    // A tail two tickets share lists both: the proctor types more digits.
    expect(findArriving(tiles, '112', S)).toMatchObject({ kind: 'one', tile: { ticketNo: '210400200112' } });
    expect(findArriving(tiles, '12', S)).toEqual({ kind: 'none' });
    const both = findArriving(tiles, '0012', S);
    expect(both).toMatchObject({ kind: 'one' });
    expect(findArriving([...tiles, arriving('210400300012')], '012', S)).toMatchObject({
      kind: 'many',
      tiles: [{ ticketNo: '210400100012' }, { ticketNo: '210400300012' }],
    });
    // A scanner types the whole number (and Enter); anything around the digits is ignored.
    expect(findArriving(tiles, ' 210400200112\n', S)).toMatchObject({
      kind: 'one',
      tile: { ticketNo: '210400200112' },
    });
    expect(findArriving(tiles, '210400999112', S)).toEqual({ kind: 'none' });
    // Another sitting's candidate is not this one's.
    expect(findArriving(tiles, '013', 'S-J-PRO')).toEqual({ kind: 'none' });
  });

  it('sorts the site’s transfers into this room’s out, in, to take in and unresolved', () => {
    const list = [
      transfer({ transferId: 1, outAt: 1000 }),
      transfer({ transferId: 2, fromRoomId: 'R2', outAt: 3000 }),
      transfer({ transferId: 3, fromRoomId: 'R3', outAt: 2000 }),
      transfer({ transferId: 4, fromRoomId: 'R2', toRoomId: 'R1', state: 'in', outAt: 500 }),
      transfer({ transferId: 5, state: 'resolved', outcome: 'absent', outAt: 4000 }),
    ];
    expect(transfersOut(list, 'R1').map((t) => t.transferId)).toEqual([5, 1]);
    expect(transfersToTakeIn(list, 'R1').map((t) => t.transferId)).toEqual([3, 2]);
    expect(transfersIn(list, 'R1').map((t) => t.transferId)).toEqual([4]);
    expect(unresolvedOut(list, 'R1').map((t) => t.transferId)).toEqual([1]);
    expect(unresolvedOut(list, 'R1', 'S-J-PRO')).toEqual([]);
    expect(openTransferOf(list, 'R1', '210400100005')?.transferId).toBe(1);
    expect(openTransferOf(list, 'R2', '210400100005')?.transferId).toBe(2);
  });

  it('keeps the transfers the host pushes, and drops them on sign-out', () => {
    let m = applyPush(EMPTY_MODEL, { type: 'transfers', transfers: [transfer({})] }, 0);
    expect(m.transfers).toHaveLength(1);
    m = applyPush(m, { type: 'session', session: { phase: 'signed-out', serverUrl: 'https://x' } }, 0);
    expect(m.transfers).toEqual([]);
  });

  it('drops the tile of a candidate another room took in', () => {
    const room = { roomId: 'R1', roomName: '第1考场', seats: 4, sittings: [] };
    const moved = arriving('210400100005');
    let m = applyPush(
      EMPTY_MODEL,
      {
        type: 'full',
        serverNow: 0,
        room,
        tiles: [tileOf(), moved],
        machines: [],
        alerts: [],
        joinRequests: [],
        history: [],
      },
      0,
    );
    const version = m.version;
    m = applyPush(m, { type: 'delta', serverNow: 0, removed: [`${moved.ticketNo}:${S}`] }, 0);
    expect([...m.tiles.values()].map((t) => t.ticketNo)).toEqual(['210400100001']);
    expect(m.version).toBe(version + 1);
  });

  it('words every overbooking refusal in Chinese, with the room’s figures', () => {
    const zh = translator('zh-CN');
    for (const code of [
      ERROR_CODES.ROOM_FULL,
      ERROR_CODES.NO_FREE_SEAT,
      ERROR_CODES.TRANSFERRED_OUT,
      ERROR_CODES.SEAT_TAKEN,
      ERROR_CODES.UNKNOWN_SEAT,
      ERROR_CODES.ALREADY_LOGGED_IN,
      ERROR_CODES.UNKNOWN_TRANSFER,
      ERROR_CODES.UNKNOWN_SITTING,
    ]) {
      const text = errorText(zh, { code, message: 'English for the log' });
      expect(text, code).not.toMatch(/[A-Za-z]{3,}/);
    }
    expect(
      errorText(zh, { code: 'ROOM_FULL', message: 'x', details: { present: 3, takenIn: 1, machines: 4 } }),
    ).toBe('本考场已满，不能调入：已登录 3 人，已调入待登录 1 人，已批准考试机 4 台。');
  });
});
