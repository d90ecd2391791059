import { type Ack, candidateContract, ERROR_CODES, ProtocolError, proctorContract } from '@exam/protocol';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { handlerFor } from './handler.js';

/** Stands in for a socket: records the listeners and calls one as socket.io would. */
class Listeners {
  private readonly fns = new Map<string, (...args: unknown[]) => void>();
  on(event: string, fn: (...args: unknown[]) => void): void {
    this.fns.set(event, fn);
  }
  send(event: string, ...args: unknown[]): Promise<Ack<unknown>> {
    return new Promise((resolve) => this.fns.get(event)?.(...args, resolve));
  }
}

const log = pino({ level: 'silent' });
const handleCandidate = handlerFor(candidateContract);
const handleProctor = handlerFor(proctorContract);

/**
 * Checked by tsc, never run: each `@ts-expect-error` fails the type check if the line
 * below it ever compiles, so these are the contract's guarantees to a handler's author.
 */
export function handlersTypedByTheContract(socket: Listeners): void {
  // @ts-expect-error an event the candidate contract does not declare
  handleCandidate(socket, 'sitting:start', log, () => ({ startedAt: 1, authority: 'on-time' }));
  // @ts-expect-error a name no contract declares
  handleProctor(socket, 'room:unsubscribe', log, () => ({}));
  // @ts-expect-error a reply of the wrong shape (serverNow is a number)
  handleCandidate(socket, 'time:sync', log, () => ({ serverNow: 'now' }));
  // @ts-expect-error a reply missing a field the contract requires (siteId)
  handleCandidate(socket, 'machine:hello', log, () => ({ challenge: 'c' }));
  // @ts-expect-error an asynchronous reply of the wrong shape
  handleProctor(socket, 'login:open', log, async () => ({ openedAt: 1 }));
  handleProctor(socket, 'sitting:start', log, (p) => {
    // The parsed request is typed from the schema: the approval code the map once lacked.
    const code: string | undefined = p.code;
    // @ts-expect-error a field the request schema does not have
    void p.ticketNo;
    return { startedAt: code ? 2 : 1, authority: 'on-time' };
  });
  handleCandidate(socket, 'answer:save', log, (p) => {
    // After the parse the default is filled: `flagged` is a boolean, never undefined.
    const flagged: boolean = p.changes[0]?.flagged ?? false;
    return { ackSeq: flagged ? 1 : 0 };
  });
}

describe('a handler typed by the contract', () => {
  it('gets only a parsed request: a malformed one is answered INVALID_MESSAGE without calling it', async () => {
    const socket = new Listeners();
    const seen: unknown[] = [];
    handleProctor(socket, 'sitting:start', log, (p) => {
      seen.push(p);
      return { startedAt: 5, authority: 'on-time' };
    });
    const bad = await socket.send('sitting:start', { sittingId: 'S1', extra: true });
    expect(bad).toMatchObject({ ok: false, error: { code: ERROR_CODES.INVALID_MESSAGE } });
    expect(seen).toEqual([]);
    const good = await socket.send('sitting:start', { sittingId: 'S1', code: 'ABCDE-FGHJK' });
    expect(good).toEqual({ ok: true, value: { startedAt: 5, authority: 'on-time' } });
    expect(seen).toEqual([{ sittingId: 'S1', code: 'ABCDE-FGHJK' }]);
  });

  it('turns a thrown protocol error into the typed failure, details included', async () => {
    const socket = new Listeners();
    handleCandidate(socket, 'exam:handIn', log, () => {
      throw new ProtocolError(ERROR_CODES.TOO_EARLY, 'Not yet.', { earliestAt: 9 });
    });
    expect(await socket.send('exam:handIn', { sittingId: 'S1' })).toEqual({
      ok: false,
      error: { code: ERROR_CODES.TOO_EARLY, message: 'Not yet.', details: { earliestAt: 9 } },
    });
  });
});
