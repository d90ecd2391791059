import { describe, expect, it } from 'vitest';
import { applyPush, EMPTY_MODEL } from './roomModel.js';
import { tileOf } from './testTiles.js';

const room = { roomId: 'R1', roomName: '第1考场', seats: 30, sittings: [] };
const signedIn = {
  type: 'session' as const,
  session: {
    phase: 'signed-in' as const,
    connected: true,
    as: { holder: 'x', role: 'proctor' as const, siteId: 'S', roomId: 'R1', serverUrl: 'http://x' },
  },
};

describe('the renderer’s room model', () => {
  it('takes a full picture, merges tile deltas by ticket and follows the server time', () => {
    let m = applyPush(EMPTY_MODEL, signedIn, 0);
    m = applyPush(
      m,
      {
        type: 'full',
        serverNow: 5000,
        room,
        tiles: [tileOf(), tileOf({ ticketNo: '210400100002' })],
        machines: [],
        alerts: [],
        joinRequests: [],
        history: [],
      },
      1000,
    );
    expect(m.offset).toBe(4000);
    const before = m.tiles;
    m = applyPush(m, { type: 'delta', serverNow: 9000, tiles: [tileOf({ answered: 7 })] }, 2000);
    expect(m.tiles).not.toBe(before);
    expect(m.tiles.get('210400100001:S-J-ECON')?.answered).toBe(7);
    expect(m.tiles.size).toBe(2);
    expect(m.offset).toBe(7000);
  });

  it('keeps each history line once however often it arrives', () => {
    const line = { id: 1, at: 1, ticketNo: null, sittingId: null, kind: 'notice' as const, params: {} };
    let m = applyPush(EMPTY_MODEL, { type: 'delta', serverNow: 0, history: [line] }, 0);
    m = applyPush(m, { type: 'delta', serverNow: 0, history: [line, { ...line, id: 2 }] }, 0);
    expect(m.history.map((h) => h.id)).toEqual([1, 2]);
  });

  it('forgets the room when the session signs out', () => {
    let m = applyPush(
      EMPTY_MODEL,
      {
        type: 'full',
        serverNow: 0,
        room,
        tiles: [tileOf()],
        machines: [],
        alerts: [],
        joinRequests: [],
        history: [],
      },
      0,
    );
    m = applyPush(m, { type: 'session', session: { phase: 'signed-out', serverUrl: 'http://x' } }, 0);
    expect(m.room).toBeNull();
    expect(m.tiles.size).toBe(0);
  });
});
