import { describe, expect, it } from 'vitest';
import { tileOf } from '../renderer/model/testTiles.js';
import { HistoryLog, tileEvents } from './history.js';

describe('history from tile changes', () => {
  it('logs state, seat, reconnect and re-login changes, and nothing for the first sight', () => {
    const before = tileOf({ status: 'logged-in', online: true });
    expect(tileEvents(undefined, before, 1)).toEqual([]);
    const kinds = (next: Parameters<typeof tileOf>[0]) =>
      tileEvents(before, tileOf({ ...before, ...next }), 1).map((e) => e.kind);
    expect(kinds({ status: 'answering' })).toEqual(['status']);
    expect(kinds({ online: false })).toEqual(['offline']);
    expect(kinds({ seatNo: 4 })).toEqual(['seat']);
    expect(tileEvents(tileOf({ resetPending: true }), tileOf({ seatNo: 4 }), 1).map((e) => e.kind)).toEqual([
      'seat',
      'relogin',
    ]);
  });

  it('skips an extension the console logged itself moments ago, but logs one made elsewhere', () => {
    const before = tileOf();
    const after = tileOf({ extensionMs: 5 * 60_000 });
    expect(tileEvents(before, after, 1, () => true)).toEqual([]);
    expect(tileEvents(before, after, 1, () => false)).toMatchObject([
      { kind: 'extension', params: { minutes: 5 } },
    ]);
  });
});

describe('the history log', () => {
  it('numbers lines and keeps the newest within its bound', () => {
    const log = new HistoryLog(2);
    for (const at of [1, 2, 3]) log.add({ at, ticketNo: 't', sittingId: 's', kind: 'notice', params: {} });
    expect(log.all().map((e) => [e.id, e.at])).toEqual([
      [2, 2],
      [3, 3],
    ]);
  });

  it('recognises each tile change the console caused itself once', () => {
    const log = new HistoryLog();
    log.expect('t', 'extension');
    log.expect('t', 'extension');
    expect(log.consumeExpected('t', 'extension')).toBe(true);
    expect(log.consumeExpected('u', 'extension')).toBe(false);
    expect(log.consumeExpected('t', 'extension')).toBe(true);
    expect(log.consumeExpected('t', 'extension')).toBe(false);
  });
});
