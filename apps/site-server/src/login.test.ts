import { idNumberFor, ticketFor } from '@exam/centre';
import type { Ack, LoginResult } from '@exam/protocol';
import { call, connected, proctorSocket, rawSocket, startTestSite, type TestSite } from '@exam/testkit';
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
  const reg = await call<Ack<unknown>>(s, 'machine:register', {
    roomId,
    seatNo,
    machineId,
    clientVersion: '1.0.0',
  });
  expect(reg.ok).toBe(true);
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

  it('refuses login before the machine is registered', async () => {
    const s = rawSocket(site.url, 'candidate');
    sockets.push(s);
    await connected(s);
    const r = await login(s, ticketFor(1, 1), idNumberFor(1));
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_REGISTERED' } });
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

  it('refuses an unknown ticket number', async () => {
    const s = await machine('R1', 2);
    const r = await login(s, '999999999999', idNumberFor(2));
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TICKET' } });
  });

  it('refuses a wrong ID number', async () => {
    const s = await machine('R1', 2);
    const r = await login(s, ticketFor(1, 2), idNumberFor(3));
    expect(r).toMatchObject({ ok: false, error: { code: 'WRONG_ID_NUMBER' } });
  });

  it('refuses a candidate of another room', async () => {
    const s = await machine('R1', 3);
    // Room 2, seat 1 is candidate n = 5 (four seats per room).
    const r = await login(s, ticketFor(2, 1), idNumberFor(5));
    expect(r).toMatchObject({ ok: false, error: { code: 'WRONG_ROOM' } });
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
    expect(codes.slice(0, 5).every((c) => c === 'WRONG_ID_NUMBER')).toBe(true);
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
