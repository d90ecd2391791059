import { describe, expect, it } from 'vitest';
import {
  type AckEmitter,
  CANDIDATE_EVENTS,
  CLIENT_ERROR_CODES,
  candidateContract,
  ERROR_CODES,
  onPush,
  PROCTOR_EVENTS,
  type PushSource,
  proctorContract,
  requestWithAck,
} from './index.js';

/** A socket that answers every emit with `reply` and lets a test push anything. */
function fakeSocket(reply: unknown, connected = true) {
  const listeners = new Map<string, (payload: unknown) => void>();
  const sent: [string, unknown][] = [];
  const socket: AckEmitter & PushSource = {
    connected,
    timeout: () => ({
      emitWithAck: async (event, payload) => {
        sent.push([event, payload]);
        return reply;
      },
    }),
    on: (event, listener) => listeners.set(event, listener),
  };
  return { socket, sent, push: (event: string, payload: unknown) => listeners.get(event)?.(payload) };
}

class TestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
const opts = { timeoutMs: 1_000, makeError: (code: string, message: string) => new TestError(code, message) };

describe('the contract', () => {
  it('names every event each namespace answers, once, and no event in both', () => {
    expect(CANDIDATE_EVENTS).toEqual(Object.keys(candidateContract.requests));
    expect(PROCTOR_EVENTS).toEqual(Object.keys(proctorContract.requests));
    expect(CANDIDATE_EVENTS.filter((e) => (PROCTOR_EVENTS as readonly string[]).includes(e))).toEqual([]);
  });

  it('lets a late start carry its approval code', () => {
    const start = proctorContract.requests['sitting:start'].request;
    expect(start.safeParse({ sittingId: 'S1', reason: 'late', code: 'ABCDE-FGHJK' }).success).toBe(true);
  });
});

describe('a request through the contract', () => {
  it('returns the parsed reply', async () => {
    const { socket, sent } = fakeSocket({ ok: true, value: { serverNow: 42, extra: 'dropped' } });
    await expect(requestWithAck(candidateContract, socket, 'time:sync', {}, opts)).resolves.toEqual({
      serverNow: 42,
    });
    expect(sent).toEqual([['time:sync', {}]]);
  });

  it('refuses a reply of the wrong shape as BAD_REPLY', async () => {
    const { socket } = fakeSocket({ ok: true, value: { serverNow: 'soon' } });
    await expect(requestWithAck(candidateContract, socket, 'time:sync', {}, opts)).rejects.toMatchObject({
      code: CLIENT_ERROR_CODES.BAD_REPLY,
    });
  });

  it('passes the server’s typed failure on with its code', async () => {
    const { socket } = fakeSocket({ ok: false, error: { code: 'TOO_EARLY', message: 'Not yet.' } });
    await expect(
      requestWithAck(candidateContract, socket, 'exam:handIn', { sittingId: 'S1' }, opts),
    ).rejects.toMatchObject({ code: ERROR_CODES.TOO_EARLY, message: 'Not yet.' });
  });

  it('sends nothing while offline', async () => {
    const { socket, sent } = fakeSocket({ ok: true, value: {} }, false);
    await expect(requestWithAck(proctorContract, socket, 'room:subscribe', {}, opts)).rejects.toMatchObject({
      code: CLIENT_ERROR_CODES.OFFLINE,
    });
    expect(sent).toEqual([]);
  });
});

describe('a push through the contract', () => {
  it('applies a well-formed push and drops a malformed one', () => {
    const { socket, push } = fakeSocket(null);
    const applied: unknown[] = [];
    const dropped: string[] = [];
    onPush(
      candidateContract,
      socket,
      'room:loginOpen',
      (p) => applied.push(p.sittingIds),
      (event) => dropped.push(event),
    );
    push('room:loginOpen', { sittingIds: ['S1'] });
    push('room:loginOpen', { sittingIds: 'S1' });
    expect(applied).toEqual([['S1']]);
    expect(dropped).toEqual(['room:loginOpen']);
  });

  it('keeps the good replica changes of a push with a bad one', () => {
    const good = {
      ticketNo: '12345678',
      sittingId: 'S1',
      seq: 1,
      itemId: 'Q1',
      value: 'A',
      flagged: false,
      madeAt: 4,
      receivedAt: 5,
    };
    const parsed = proctorContract.pushes['room:answers'].parse({ changes: [good, { ...good, seq: 'x' }] });
    expect(parsed.changes).toEqual([good, null]);
  });
});
