import { idNumberFor, ticketFor } from '@exam/centre';
import { issueApprovalCode } from '@exam/crypto';
import { RULES, siteLocalDate } from '@exam/domain';
import type { Ack } from '@exam/protocol';
import {
  approvedMachine,
  call,
  connected,
  proctorSocket,
  rawSocket,
  startTestSite,
  type TestSite,
} from '@exam/testkit';
import type { Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * Attacks on the lock-outs (issue 16 points 4 and 9): a guesser who changes its declared
 * machine ID to get a fresh count, and one who waits for a restart of the site server.
 */
const SITTING = 'S-J-ECON';
let site: TestSite;
let sockets: Socket[] = [];
let machineNo = 0;

beforeEach(async () => {
  site = await startTestSite({ rooms: 1, perRoom: 4 });
  const proctor = await proctorSocket(site, 'R1');
  sockets = [proctor];
  await call(proctor, 'login:open', { sittingId: SITTING });
});

afterEach(async () => {
  for (const s of sockets) s.disconnect();
  await site.stop();
});

/** A fresh socket with a machine ID never seen before: what a guesser rotating IDs sends. */
async function freshMachine(seatNo = 1): Promise<Socket> {
  const s = rawSocket(site.url, 'candidate');
  sockets.push(s);
  await connected(s);
  // Each one approved by the proctor (issue 16), the strongest a rotating guesser could get.
  await approvedMachine(site.url, s, { roomId: 'R1', seatNo, machineId: `rotated-${++machineNo}` });
  return s;
}

const guess = (s: Socket, ticketNo: string, n: number) =>
  call<Ack<unknown>>(s, 'candidate:login', { ticketNo, idNumber: idNumberFor(n) });

describe('login lock-outs', () => {
  it('locks a ticket number against a guesser who changes machine ID after every guess', async () => {
    const victim = ticketFor(1, 1);
    const codes: string[] = [];
    for (let i = 0; i < RULES.ticketLoginLockout.maxFailures + 2; i++) {
      const r = await guess(await freshMachine(), victim, 500 + i);
      codes.push(r.ok ? 'ok' : r.error.code);
    }
    expect(codes.slice(0, RULES.ticketLoginLockout.maxFailures)).toEqual(
      Array(RULES.ticketLoginLockout.maxFailures).fill('LOGIN_FAILED'),
    );
    expect(codes.slice(RULES.ticketLoginLockout.maxFailures)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
    // Even the right ID number from yet another machine is refused while the ticket is locked,
    expect(await guess(await freshMachine(), victim, 1)).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED' },
    });
    // other candidates log in as usual,
    expect((await guess(await freshMachine(2), ticketFor(1, 2), 2)).ok).toBe(true);
    // and the ticket opens again once the window has passed.
    site.clock.advance(RULES.ticketLoginLockout.windowMs);
    expect((await guess(await freshMachine(), victim, 1)).ok).toBe(true);
  });

  it('counts an unknown ticket number like a known one: a lock-out does not tell which exist', async () => {
    const unknown = '999999999999';
    const codes: string[] = [];
    for (let i = 0; i < RULES.ticketLoginLockout.maxFailures + 1; i++) {
      const r = await guess(await freshMachine(), unknown, 500 + i);
      codes.push(r.ok ? 'ok' : r.error.code);
    }
    expect(codes.at(-1)).toBe('RATE_LIMITED');
    expect(new Set(codes.slice(0, -1))).toEqual(new Set(['LOGIN_FAILED']));
  });

  it('keeps a machine’s and a ticket’s lock-out across a restart of the site server', async () => {
    const s = await freshMachine();
    const id = `rotated-${machineNo}`;
    for (let i = 0; i < RULES.loginLockout.maxFailures; i++) await guess(s, ticketFor(1, 3), 600 + i);
    for (let i = 0; i < RULES.ticketLoginLockout.maxFailures - RULES.loginLockout.maxFailures; i++)
      await guess(await freshMachine(), ticketFor(1, 3), 700 + i);
    await site.restart();
    const again = rawSocket(site.url, 'candidate');
    sockets.push(again);
    await connected(again);
    await approvedMachine(site.url, again, { roomId: 'R1', seatNo: 1, machineId: id });
    // The same machine is still locked, for any ticket,
    expect(await guess(again, ticketFor(1, 4), 4)).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED' },
    });
    // and the guessed ticket is still locked, from any machine.
    expect(await guess(await freshMachine(3), ticketFor(1, 3), 3)).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED' },
    });
  });

  it('keeps a room’s approval-code lock-out across a restart of the site server', async () => {
    let proctor = sockets[0]!;
    site.clock.set(site.juniorStart);
    expect((await call<Ack<unknown>>(proctor, 'sitting:start', { sittingId: SITTING })).ok).toBe(true);
    const tickets = [ticketFor(1, 1)];
    const extend = (p: Socket, code: string) =>
      call<Ack<unknown>>(p, 'candidate:extend', {
        sittingId: SITTING,
        tickets,
        minutes: 20,
        reason: '停电',
        code,
      });
    for (let i = 0; i < RULES.approvalCodeLockout.maxFailures; i++) {
      expect(await extend(proctor, 'AAAAA-AAAAA')).toMatchObject({ ok: false, error: { code: 'BAD_CODE' } });
    }
    await site.restart();
    proctor = await proctorSocket(site, 'R1');
    sockets.push(proctor);
    const good = issueApprovalCode(
      site.built.approvalKeys.province,
      {
        kind: 'extension',
        authority: 'province',
        siteId: 'SITE-T',
        roomId: 'R1',
        sittingId: SITTING,
        date: siteLocalDate(site.juniorStart),
        tickets,
        minutes: 20,
      },
      0,
    );
    expect(await extend(proctor, good)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    site.clock.advance(RULES.approvalCodeLockout.windowMs);
    expect(await extend(proctor, good)).toMatchObject({ ok: true });
  });
});
