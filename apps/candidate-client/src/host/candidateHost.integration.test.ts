import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idNumberFor, ticketFor } from '@exam/centre';
import type { Ack } from '@exam/protocol';
import { call, proctorSocket, startTestSite, type TestSite } from '@exam/testkit';
import type { Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type IpcMainLike, registerBridgeIpc } from '../main/ipc.js';
import { isAppUrl } from '../main/kioskPolicy.js';
import { CandidateHost } from './candidateHost.js';
import type { MachineFacts } from './machineFacts.js';

const MIN = 60_000;
const SITTING = 'S-J-ECON';
let site: TestSite;
let proctor: Socket;
let dir: string;
let hosts: CandidateHost[] = [];

const facts = (freeMemoryBytes: number): MachineFacts => ({
  os: 'Linux test',
  cpuModel: 'test cpu',
  cpuCores: 2,
  cpuMhz: 1800,
  totalMemoryBytes: 4 * 1024 ** 3,
  freeMemoryBytes,
  freeDiskBytes: 10 * 1024 ** 3,
  ipAddress: '127.0.0.1',
  clientVersion: '0.1.0',
});

function startHost(freeMemoryBytes = 2 * 1024 ** 3): CandidateHost {
  const host = new CandidateHost({
    core: {
      serverUrl: site.url,
      journalPath: join(dir, 'journal.db'),
      roomId: 'R1',
      seatNo: 1,
      machineId: 'machine-R1-1',
      clientVersion: '0.1.0',
      monotonicNow: () => site.clock.now(),
      backoff: { minMs: 20, baseMs: 50, maxMs: 200 },
    },
    machineFacts: () => facts(freeMemoryBytes),
  });
  hosts.push(host);
  return host;
}

async function until(what: string, predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const alertsOnServer = () =>
  site.server.ctx.db.prepare('SELECT kind, detail, ticket_no FROM client_alerts ORDER BY id').all() as {
    kind: string;
    detail: string | null;
    ticket_no: string | null;
  }[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'candidate-host-'));
  site = await startTestSite({ rooms: 1, perRoom: 3 });
  proctor = await proctorSocket(site, 'R1');
  const opened = await call<Ack<unknown>>(proctor, 'login:open', { sittingId: SITTING });
  if (!opened.ok) throw new Error(opened.error.message);
});

afterEach(async () => {
  for (const h of hosts) h.close();
  hosts = [];
  proctor.disconnect();
  await site.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('CandidateHost against a real site server', () => {
  it('reports the machine check and shows the shortfalls the server finds', async () => {
    const host = startHost(256 * 1024 * 1024);
    host.setScreen({ width: 800, height: 600, displays: 1 });
    await until('shortfalls', () => host.getState().machineShortfalls.length > 0);
    expect(host.getState().machineShortfalls).toEqual(['SCREEN_TOO_SMALL', 'LOW_MEMORY']);
    const row = site.server.ctx.db
      .prepare('SELECT check_json FROM machines WHERE machine_id = ?')
      .get('machine-R1-1') as { check_json: string };
    expect(JSON.parse(row.check_json)).toMatchObject({ screenWidth: 800, cpuMhz: 1800, displays: 1 });
  });

  it('delivers alerts raised before the connection, and a restart mid-sitting as an alert', async () => {
    const first = startHost();
    first.queueAlert({ kind: 'focus-lost', detail: 'before connect' });
    await until('connection', () => first.getState().connection === 'online');
    expect((await first.login(ticketFor(1, 1), idNumberFor(1))).ok).toBe(true);
    expect(first.confirmLogin().ok).toBe(true);
    await until('alert delivered', () => alertsOnServer().length === 1);
    first.close();

    const second = startHost();
    expect(second.getState()).toMatchObject({
      resumed: true,
      progress: { confirmed: true, entered: true },
      phase: 'waiting',
    });
    await until('restart reported', () => alertsOnServer().length === 2);
    expect(alertsOnServer()).toEqual([
      { kind: 'focus-lost', detail: 'before connect', ticket_no: null },
      { kind: 'restarted', detail: 'resumed from the local journal', ticket_no: ticketFor(1, 1) },
    ]);
  });

  it('answers an early hand-in with the earliest time, as data the renderer can show', async () => {
    const host = startHost();
    await until('connection', () => host.getState().connection === 'online');
    await host.login(ticketFor(1, 1), idNumberFor(1));
    site.clock.set(site.juniorStart);
    expect(((await call(proctor, 'sitting:start', { sittingId: SITTING })) as Ack<unknown>).ok).toBe(true);
    await until('paper', () => host.getState().paperOpen);
    expect(host.enterExam()).toMatchObject({ ok: false, error: { code: 'NOTICE_NOT_READ' } });
    host.setNoticeRead(true);
    expect(host.enterExam().ok).toBe(true);
    expect(host.saveAnswer('J-001', 'B', true)).toEqual({ ok: true, value: { seq: 1 } });
    expect(host.saveAnswer('J-001', ['B'], false)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_MESSAGE' },
    });
    expect(await host.handIn()).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'TOO_EARLY', earliestAt: site.juniorStart + 75 * MIN }),
    });
    expect(host.getState()).toMatchObject({ handInFailure: null, canHandIn: false, phase: 'answering' });
  });
});

/** A mock of Electron's ipcMain, which cannot run here (no Electron binary). */
class MockIpcMain implements IpcMainLike {
  readonly handlers = new Map<
    string,
    (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => unknown
  >();
  handle(
    channel: string,
    listener: (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => unknown,
  ) {
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  invoke(url: string, channel: string, ...args: unknown[]) {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`no handler for ${channel}`);
    return h({ senderFrame: { url } }, ...args);
  }
}

describe('the bridge over IPC', () => {
  it('serves the app’s frames, refuses others, and offers no screen report to the renderer', async () => {
    const host = startHost();
    const ipc = new MockIpcMain();
    const unregister = registerBridgeIpc(ipc, host, isAppUrl);
    const state = (await ipc.invoke('app://candidate/index.html', 'candidate:call:getState')) as {
      machine: { seatNo: number };
    };
    expect(state.machine.seatNo).toBe(1);
    expect(() => ipc.invoke('https://example.test/', 'candidate:call:getState')).toThrow('for the app only');
    expect(ipc.handlers.has('candidate:call:reportScreen')).toBe(false);
    await expect(
      ipc.invoke('app://candidate/index.html', 'candidate:call:login', 1, 2),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENTS',
    });
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });
});
