import { idNumberFor, ticketFor } from '@exam/centre';
import type { Ack } from '@exam/protocol';
import {
  approvedMachine,
  call,
  connected,
  proctorSocket,
  rawSocket,
  siteFetch,
  startTestSite,
  type TestSite,
} from '@exam/testkit';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let site: TestSite;
const sockets: Socket[] = [];

beforeAll(async () => {
  site = await startTestSite({ rooms: 2, perRoom: 2 });
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await site.stop();
});

async function candidateSocket() {
  const s = rawSocket(site.url, 'candidate');
  sockets.push(s);
  await connected(s);
  return s;
}

async function stillServing() {
  const res = await siteFetch(`${site.url}/api/health`);
  expect(res.status).toBe(200);
}

describe('hostile input', () => {
  it('answers malformed messages on every candidate event with INVALID_MESSAGE and stays up', async () => {
    const garbage: unknown[] = [
      null,
      42,
      'text',
      [],
      { a: 1 },
      { roomId: 5 },
      { ticketNo: {}, idNumber: [] },
    ];
    let s: Socket | undefined;
    for (const event of [
      'machine:hello',
      'machine:prove',
      'machine:join',
      'candidate:login',
      'candidate:resume',
      'answer:save',
      'exam:handIn',
    ]) {
      // A connection per event: one connection's messages are rate-limited (EVENT_LIMITS).
      s = await candidateSocket();
      await approvedMachine(site.url, s, { roomId: 'R1', seatNo: 2, machineId: 'machine-hostile-2' });
      for (const payload of garbage) {
        const r = await call<Ack<unknown>>(s, event, payload);
        expect(r, `${event} ${JSON.stringify(payload)}`).toMatchObject({
          ok: false,
          error: { code: 'INVALID_MESSAGE' },
        });
      }
    }
    expect(s?.connected).toBe(true);
    await stillServing();
  });

  it('refuses oversized fields and batches by schema', async () => {
    const s = await candidateSocket();
    await approvedMachine(site.url, s, { roomId: 'R1', seatNo: 2, machineId: 'machine-hostile-big' });
    const longTicket = await call<Ack<unknown>>(s, 'candidate:login', {
      ticketNo: '1'.repeat(5000),
      idNumber: 'x',
    });
    expect(longTicket).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    const hugeBatch = await call<Ack<unknown>>(s, 'answer:save', {
      sittingId: 'S-J-ECON',
      changes: Array.from({ length: 500 }, (_, i) => ({
        seq: i + 1,
        itemId: 'J-001',
        value: 'A',
        madeAt: 0,
      })),
    });
    expect(hugeBatch).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    const hugeText = await call<Ack<unknown>>(s, 'answer:save', {
      sittingId: 'S-SENIOR',
      changes: [{ seq: 1, itemId: 'S-001', value: '经'.repeat(60_000), madeAt: 0 }],
    });
    expect(hugeText).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    await stillServing();
  });

  it('drops a message beyond the transport limit by closing that socket only', async () => {
    const s = await candidateSocket();
    const closed = new Promise((resolve) => s.once('disconnect', resolve));
    s.emit('candidate:login', { ticketNo: 'x'.repeat(9 * 1024 * 1024), idNumber: 'x' }, () => {});
    await closed;
    await stillServing();
    const other = await candidateSocket();
    expect(other.connected).toBe(true);
  });

  it('refuses candidate actions before login with NOT_LOGGED_IN', async () => {
    const s = await candidateSocket();
    await approvedMachine(site.url, s, { roomId: 'R1', seatNo: 2, machineId: 'machine-hostile-early' });
    const r = await call<Ack<unknown>>(s, 'answer:save', {
      sittingId: 'S-J-ECON',
      changes: [{ seq: 1, itemId: 'J-001', value: 'A', madeAt: 0 }],
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_LOGGED_IN' } });
  });

  it('does not let a candidate socket use proctor events', async () => {
    const s = await candidateSocket();
    for (const event of ['sitting:start', 'sitting:end', 'login:open', 'room:subscribe', 'admin:anything']) {
      const r = await call<Ack<unknown>>(s, event, { sittingId: 'S-J-ECON' });
      expect(r, event).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
  });

  it('does not let a candidate act on another candidate’s sitting', async () => {
    const proctor = await proctorSocket(site, 'R1');
    sockets.push(proctor);
    await call(proctor, 'login:open', { sittingId: 'S-J-ECON' });
    const s = await candidateSocket();
    await approvedMachine(site.url, s, {
      roomId: 'R1',
      seatNo: 1,
      machineId: 'machine-hostile-1',
    });
    const login = await call<Ack<unknown>>(s, 'candidate:login', {
      ticketNo: ticketFor(1, 1),
      idNumber: idNumberFor(1),
    });
    expect(login.ok).toBe(true);
    const r = await call<Ack<unknown>>(s, 'exam:handIn', { sittingId: 'S-SENIOR' });
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('does not let a proctor console use candidate events', async () => {
    const proctor = await proctorSocket(site, 'R2');
    sockets.push(proctor);
    for (const event of ['candidate:login', 'answer:save', 'exam:handIn']) {
      const r = await call<Ack<unknown>>(proctor, event, {});
      expect(r, event).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
  });

  it('refuses a proctor console without a registered key for the room', async () => {
    // No key: connected, but nothing is answered before a sign-in.
    const anonymous = rawSocket(site.url, 'proctor');
    sockets.push(anonymous);
    await connected(anonymous);
    expect(await call(anonymous, 'room:subscribe', {})).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    });
    for (const [what, holder] of [
      ['unregistered key', site.pki.unregistered],
      ['another room’s key', site.pki.proctors.get('R2')!],
    ] as const) {
      await expect(proctorSocket(site, 'R1', holder), what).rejects.toMatchObject({
        data: { code: 'UNAUTHORIZED' },
      });
    }
  });

  // Replayed, relayed and expired sign-in statements: proctors/proctorSignIn.test.ts.

  it('lets the chief examiner sign in to any room', async () => {
    const s = await proctorSocket(site, 'R2', site.pki.chief);
    sockets.push(s);
    const snapshot = await call<Ack<{ roomId: string }>>(s, 'room:subscribe', {});
    expect(snapshot).toMatchObject({ ok: true, value: { roomId: 'R2' } });
  });

  it('refuses a client speaking another protocol version', async () => {
    const s = rawSocket(site.url, 'candidate', { protocolVersion: 999 });
    sockets.push(s);
    await expect(connected(s)).rejects.toMatchObject({ data: { code: 'PROTOCOL_VERSION' } });
  });

  it('refuses admin routes without the token and bad packages with a clear error', async () => {
    const noToken = await siteFetch(`${site.url}/api/admin/exam-data`, { method: 'POST', body: 'x' });
    expect(noToken.status).toBe(401);
    const bad = await siteFetch(`${site.url}/api/admin/authorization`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${site.server.adminToken}`,
        'content-type': 'application/octet-stream',
      },
      body: Buffer.from('EXAMPKG\u0000 not really a package'),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ok: false, error: { code: 'BAD_PACKAGE' } });
  });

  it('answers a malformed admin body, an unknown content type and an unknown route in the typed form', async () => {
    const post = (path: string, contentType: string, body: string) =>
      siteFetch(`${site.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${site.server.adminToken}`, 'content-type': contentType },
        body,
      });
    const badJson = await post('/api/admin/exam-data', 'application/json', '{"not json');
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({
      ok: false,
      error: { code: 'INVALID_MESSAGE', message: expect.any(String), details: expect.any(Object) },
    });
    const emptyJson = await post('/api/admin/authorization', 'application/json', '');
    expect(emptyJson.status).toBe(400);
    expect(await emptyJson.json()).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    const unknownType = await post('/api/admin/exam-data', 'application/x-made-up', 'x');
    expect(unknownType.status).toBe(415);
    expect(await unknownType.json()).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    const noRoute = await siteFetch(`${site.url}/api/admin/no-such-thing`);
    expect(noRoute.status).toBe(404);
    expect(await noRoute.json()).toEqual({
      ok: false,
      error: { code: 'INVALID_MESSAGE', message: 'There is no such route on this server.' },
    });
    const health = await siteFetch(`${site.url}/api/health`);
    expect(await health.json()).toMatchObject({ ok: true });
  });
});
