import type { Ack, MachineTile, RoomAlert, RoomSnapshot } from '@exam/protocol';
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

let site: TestSite;
let proctor: Socket;
const sockets: Socket[] = [];

const goodMachine = {
  os: 'Windows 10',
  cpuModel: 'Intel Core i5',
  cpuCores: 4,
  cpuMhz: 2400,
  totalMemoryBytes: 8 * 2 ** 30,
  freeMemoryBytes: 4 * 2 ** 30,
  freeDiskBytes: 50 * 2 ** 30,
  screenWidth: 1366,
  screenHeight: 768,
  displays: 1,
  ipAddress: '10.1.1.21',
  clientVersion: '0.1.0',
};

beforeAll(async () => {
  site = await startTestSite({ rooms: 1, perRoom: 2 });
  proctor = await proctorSocket(site, 'R1');
  sockets.push(proctor);
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await site.stop();
});

async function registered(seatNo: number) {
  const s = rawSocket(site.url, 'candidate');
  sockets.push(s);
  await connected(s);
  await approvedMachine(site.url, s, {
    roomId: 'R1',
    seatNo,
    machineId: `machine-check-${seatNo}`,
  });
  return s;
}

describe('machine checks and client alerts', () => {
  it('flags a machine below the notice’s minimums and shows the proctor', async () => {
    const machinesPushed = new Promise<MachineTile[]>((resolve) =>
      proctor.on('room:machines', ({ machines }: { machines: MachineTile[] }) => {
        if (machines.some((m) => m.check?.shortfalls.length)) resolve(machines);
      }),
    );
    const ok = await registered(1);
    expect(await call(ok, 'machine:check', goodMachine)).toEqual({ ok: true, value: { shortfalls: [] } });
    const weak = await registered(2);
    const r = await call(weak, 'machine:check', {
      ...goodMachine,
      screenWidth: 800,
      screenHeight: 600,
      freeMemoryBytes: 300 * 2 ** 20,
    });
    expect(r).toEqual({ ok: true, value: { shortfalls: ['SCREEN_TOO_SMALL', 'LOW_MEMORY'] } });
    const tiles = await machinesPushed;
    expect(tiles.find((m) => m.seatNo === 2)).toMatchObject({
      online: true,
      check: { shortfalls: ['SCREEN_TOO_SMALL', 'LOW_MEMORY'] },
    });
    const snapshot = await call<Ack<RoomSnapshot>>(proctor, 'room:subscribe', {});
    expect(snapshot.ok && snapshot.value.machines.find((m) => m.seatNo === 1)?.check?.shortfalls).toEqual([]);
  });

  it('passes a focus-lost alert to the proctor as an alert, recorded in the snapshot', async () => {
    const s = await registered(1);
    const pushed = new Promise<RoomAlert>((resolve) => proctor.once('room:alert', resolve));
    const r = await call<Ack<{ id: number }>>(s, 'client:alert', {
      kind: 'focus-lost',
      detail: 'window lost focus for 12 s',
    });
    expect(r.ok).toBe(true);
    expect(await pushed).toMatchObject({
      kind: 'focus-lost',
      seatNo: 1,
      detail: 'window lost focus for 12 s',
    });
    const snapshot = await call<Ack<RoomSnapshot>>(proctor, 'room:subscribe', {});
    expect(snapshot.ok && snapshot.value.alerts.map((a) => a.kind)).toContain('focus-lost');
  });

  it('refuses an alert of an unknown kind and a check from a machine not approved', async () => {
    const s = await registered(1);
    expect(await call(s, 'client:alert', { kind: 'cheating' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_MESSAGE' },
    });
    const bare = rawSocket(site.url, 'candidate');
    sockets.push(bare);
    await connected(bare);
    expect(await call(bare, 'machine:check', goodMachine)).toMatchObject({
      ok: false,
      error: { code: 'MACHINE_NOT_APPROVED' },
    });
  });
});
