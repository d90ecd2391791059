import { idNumberFor, ticketFor } from '@exam/centre';
import type { Ack, LoginResult } from '@exam/protocol';
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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MIN = 60_000;
let site: TestSite;
let proctor: Socket;
const sockets: Socket[] = [];

async function machine(
  roomId: string,
  seatNo: number,
  machineId = `machine-${roomId}-${seatNo}-${Math.random()}`,
) {
  const s = rawSocket(site.url, 'candidate');
  sockets.push(s);
  await connected(s);
  const reg = await approvedMachine(site.url, s, {
    roomId,
    seatNo,
    machineId,
  });
  expect(reg).toMatchObject({ roomId, seatNo });
  return s;
}

const login = (s: Socket, ticketNo: string, idNumber: string) =>
  call<Ack<LoginResult>>(s, 'candidate:login', { ticketNo, idNumber });

beforeAll(async () => {
  site = await startTestSite({ rooms: 2, perRoom: 4 });
  proctor = await proctorSocket(site, 'R1');
  sockets.push(proctor);
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await site.stop();
});

describe('candidate login', () => {
  it('refuses login before the proctor opens it', async () => {
    const s = await machine('R1', 1);
    const r = await login(s, ticketFor(1, 1), idNumberFor(1));
    expect(r).toMatchObject({ ok: false, error: { code: 'LOGIN_NOT_OPEN' } });
  });

  it('refuses login before the machine is approved', async () => {
    const s = rawSocket(site.url, 'candidate');
    sockets.push(s);
    await connected(s);
    const r = await login(s, ticketFor(1, 1), idNumberFor(1));
    expect(r).toMatchObject({ ok: false, error: { code: 'MACHINE_NOT_APPROVED' } });
  });

  it('does not let the proctor open login more than 30 minutes before the start', async () => {
    site.clock.set(site.juniorStart - 31 * MIN);
    const r = await call<Ack<unknown>>(proctor, 'login:open', { sittingId: 'S-J-ECON' });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'TOO_EARLY', details: { earliestAt: site.juniorStart - 30 * MIN } },
    });
    site.clock.set(site.juniorStart - 30 * MIN);
  });

  it('logs in with ticket and ID number once login is open, showing the candidate details', async () => {
    const opened = await call<Ack<unknown>>(proctor, 'login:open', { sittingId: 'S-J-ECON' });
    expect(opened.ok).toBe(true);
    const s = await machine('R1', 1);
    const r = await login(s, ticketFor(1, 1), idNumberFor(1));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.candidate).toMatchObject({ ticketNo: ticketFor(1, 1), name: '考生1', seatNo: 1 });
    // The registration photo, for the candidate to confirm it is them.
    expect(Buffer.from(r.value.candidate.photoPng, 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(r.value.sitting).toMatchObject({ sittingId: 'S-J-ECON', phase: 'login-open', startedAt: null });
    // Before the start the paper is sealed and no key is given out.
    expect(r.value.sittingKey).toBeNull();
    expect(r.value.sealedPaper).toMatch(/^v1\./);
  });

  it('gives the candidate one answer for an unknown ticket, a wrong ID number and another room’s candidate; the proctor sees which', async () => {
    const alerts: { kind: string; ticketNo: string | null; detail: string | null }[] = [];
    proctor.on('room:alert', (a) => alerts.push(a));
    const s2 = await machine('R1', 2);
    const s3 = await machine('R1', 3);
    const replies = [
      await login(s2, '999999999999', idNumberFor(2)),
      await login(s2, ticketFor(1, 2), idNumberFor(3)),
      // Room 2, seat 1 is candidate n = 5 (four seats per room).
      await login(s3, ticketFor(2, 1), idNumberFor(5)),
    ];
    for (const r of replies) {
      expect(r).toEqual({
        ok: false,
        error: { code: 'LOGIN_FAILED', message: 'The ticket number or ID number is not correct.' },
      });
    }
    await expect.poll(() => alerts.length).toBe(3);
    expect(alerts).toMatchObject([
      { kind: 'login-unknown-ticket', ticketNo: null, detail: '999999999999' },
      { kind: 'login-wrong-id', ticketNo: ticketFor(1, 2) },
      { kind: 'login-wrong-room', ticketNo: ticketFor(2, 1), detail: '第2考场' },
    ]);
    proctor.off('room:alert');
    const audited = site.server.ctx.db
      .prepare("SELECT data FROM audit_events WHERE action = 'candidate.loginFailed' ORDER BY seq")
      .all() as { data: string }[];
    expect(audited.map((a) => JSON.parse(a.data).reason)).toEqual([
      'UNKNOWN_TICKET',
      'WRONG_ID_NUMBER',
      'WRONG_ROOM',
    ]);
  });

  it('refuses a machine whose seat is not the candidate’s assigned seat', async () => {
    const s = await machine('R1', 4);
    const r = await login(s, ticketFor(1, 3), idNumberFor(3));
    expect(r).toMatchObject({ ok: false, error: { code: 'WRONG_SEAT', details: { seatNo: 3 } } });
  });

  it('refuses a candidate already logged in on another machine', async () => {
    const first = await machine('R1', 2, 'machine-first-seat-2');
    expect((await login(first, ticketFor(1, 2), idNumberFor(2))).ok).toBe(true);
    const second = await machine('R1', 2, 'machine-second-seat-2');
    const r = await login(second, ticketFor(1, 2), idNumberFor(2));
    expect(r).toMatchObject({ ok: false, error: { code: 'ALREADY_LOGGED_IN' } });
  });

  it('rate-limits repeated wrong ID numbers from one machine', async () => {
    const s = await machine('R1', 4, 'machine-guesser');
    const codes: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await login(s, ticketFor(1, 4), idNumberFor(100 + i));
      if (!r.ok) codes.push(r.error.code);
    }
    expect(codes.slice(0, 5).every((c) => c === 'LOGIN_FAILED')).toBe(true);
    expect(codes.slice(5)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
    // Even the right ID number is refused while the machine is blocked.
    expect(await login(s, ticketFor(1, 4), idNumberFor(4))).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED' },
    });
    site.clock.advance(61_000);
    expect((await login(s, ticketFor(1, 4), idNumberFor(4))).ok).toBe(true);
  });

  it('closes late entry at the cut-off after the start but lets a seated candidate back in', async () => {
    site.clock.set(site.juniorStart);
    const started = await call<Ack<unknown>>(proctor, 'sitting:start', { sittingId: 'S-J-ECON' });
    expect(started.ok).toBe(true);
    site.clock.advance(5 * MIN + 1);
    const late = await machine('R1', 3, 'machine-late-3');
    expect(await login(late, ticketFor(1, 3), idNumberFor(3))).toMatchObject({
      ok: false,
      error: { code: 'LATE_ENTRY_CLOSED' },
    });
    // The machine a candidate was already seated at may bring them back (a restart).
    const again = await machine('R1', 2, 'machine-first-seat-2');
    const r = await login(again, ticketFor(1, 2), idNumberFor(2));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.sittingKey).not.toBeNull();
  });
});
