import { idNumberFor, ticketFor } from '@exam/centre';
import type { Ack } from '@exam/protocol';
import {
  call,
  connected,
  proctorSocket,
  rawSocket,
  seatedCandidate,
  startTestSite,
  type TestSite,
  testMachineKey,
} from '@exam/testkit';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Issue 16, point 9: NUL, bidi and control characters were accepted in machine versions and
 * alert texts and shown to proctors. Every inbound schema now refuses them (the contract-wide
 * table is packages/protocol/src/safeText.test.ts); here, end to end, nothing of such a
 * message is stored or shown.
 */
const SITTING = 'S-J-ECON';
const RLO = '\u202e';
let site: TestSite;
let proctor: Socket;
const sockets: Socket[] = [];

beforeAll(async () => {
  site = await startTestSite({ rooms: 1, perRoom: 2 });
  proctor = await proctorSocket(site, 'R1');
  sockets.push(proctor);
  await call(proctor, 'login:open', { sittingId: SITTING });
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await site.stop();
});

const count = (sql: string) => (site.server.ctx.db.prepare(sql).get() as { n: number }).n;

describe('control and bidi characters in inbound text', () => {
  it('refuses a machine version with a right-to-left override before the machine is known', async () => {
    const s = rawSocket(site.url, 'candidate');
    sockets.push(s);
    await connected(s);
    const r = await call<Ack<unknown>>(s, 'machine:hello', {
      publicKey: testMachineKey('bidi-machine').publicKey,
      clientVersion: `1.0${RLO}exe.pdf`,
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
  });

  it('refuses an alert text with a NUL or a bidi override, and the console hears of neither', async () => {
    const { socket } = await seatedCandidate(site.url, {
      roomId: 'R1',
      seatNo: 1,
      machineId: 'bidi-alerts',
      ticketNo: ticketFor(1, 1),
      idNumber: idNumberFor(1),
    });
    sockets.push(socket);
    const before = count('SELECT count(*) AS n FROM client_alerts');
    for (const detail of ['focus\u0000lost', `seat 3 ${RLO}ok`]) {
      expect(await call(socket, 'client:alert', { kind: 'focus-lost', detail })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_MESSAGE' },
      });
    }
    expect(count('SELECT count(*) AS n FROM client_alerts')).toBe(before);
    // Ordinary Chinese text still goes through.
    expect(
      await call(socket, 'client:alert', { kind: 'focus-lost', detail: '切换到了其他窗口' }),
    ).toMatchObject({
      ok: true,
    });
  });

  it('refuses a proctor notice with a bidi override; nothing reaches the candidates', async () => {
    const before = count('SELECT count(*) AS n FROM notices');
    expect(
      await call(proctor, 'notice:send', { sittingId: SITTING, text: `考试结束${RLO}，请离场` }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    expect(count('SELECT count(*) AS n FROM notices')).toBe(before);
  });
});
