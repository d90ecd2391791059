import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idNumberFor, ticketFor } from '@exam/centre';
import type { Ack } from '@exam/protocol';
import { exposeBridge } from '@exam/shell/ipcBridge';
import { StandInContextBridge, StandInIpcMain, StandInWebContents } from '@exam/shell/ipcStandIns';
import { call, proctorSocket, startTestSite, type TestSite } from '@exam/testkit';
import type { Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { machineKeyPathIn } from '../core/machineKey.js';
import { approveMachineKey } from '../e2e/support/approval.js';
import { bindCandidateBridge } from '../main/ipc.js';
import { screenFor } from '../renderer/model/screen.js';
import { CandidateHost } from './candidateHost.js';
import type { MachineFacts } from './machineFacts.js';

const MIN = 60_000;
const SITTING = 'S-J-ECON';
let site: TestSite;
let proctor: Socket;
let dir: string;
let hosts: CandidateHost[] = [];
/** The test machine's identity at the site: its key's fingerprint, approved for R1 seat 1. */
let machine: string;

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
      trust: site.trust,
      journalPath: join(dir, 'journal.db'),
      roomId: 'R1',
      seatNo: 1,
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
  machine = await approveMachineKey(site.url, machineKeyPathIn(dir), { roomId: 'R1', seatNo: 1 });
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
      .get(machine) as { check_json: string };
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

  it('shows no word of a paper swapped at the site: the exam centre never signed it', async () => {
    // Someone with the site's database (or a compromised site server) swaps in another paper
    // for the sitting, sealed with the real sitting key so the machine could open it.
    const { sealPaper } = await import('@exam/centre');
    const swapped = sealPaper(
      {
        paperId: 'P-FAKE',
        subjectCode: 'ECON',
        title: '伪造试卷',
        instructions: '',
        cases: [],
        items: [{ id: 'J-001', kind: 'truefalse', stem: '伪造', points: 1 }],
      },
      SITTING,
      site.built.sittingKeys.get(SITTING)!,
      { certPem: site.pki.site.certPem, privateKeyPem: site.pki.site.privateKeyPem },
    );
    site.server.ctx.db
      .prepare('UPDATE sittings SET sealed_paper = ? WHERE sitting_id = ?')
      .run(swapped.sealed, SITTING);

    const host = startHost();
    await until('connection', () => host.getState().connection === 'online');
    expect((await host.login(ticketFor(1, 1), idNumberFor(1))).ok).toBe(true);
    site.clock.set(site.juniorStart);
    expect(((await call(proctor, 'sitting:start', { sittingId: SITTING })) as Ack<unknown>).ok).toBe(true);
    await until('paper refused', () => host.getState().paperRefused);
    expect(host.getState().paperOpen).toBe(false);
    expect(screenFor(host.getState())).toBe('paperRefused');
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
describe('the bridge over IPC', () => {
  it('serves the app’s window, refuses others, and offers no screen report to the renderer', async () => {
    const host = startHost();
    // Stand-ins for Electron's ipcMain, the kiosk window's webContents and its preload's objects.
    const ipcMain = new StandInIpcMain();
    const contents = new StandInWebContents(ipcMain, 'app://candidate/index.html');
    const unbind = bindCandidateBridge(ipcMain, contents, host);
    const contextBridge = new StandInContextBridge();
    const page = exposeBridge(contextBridge, contents.ipcRenderer, 'candidate');
    expect([...contextBridge.exposed.keys()]).toEqual(['candidate']);

    const state = await page.invoke('getState', []);
    expect(state).toMatchObject({ ok: true, value: { machine: { clientVersion: '0.1.0' } } });
    const pushed: unknown[] = [];
    page.subscribe((event, payload) => pushed.push([event, payload]));
    await expect.poll(() => pushed.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(pushed[0]).toMatchObject(['state', { machine: { clientVersion: '0.1.0' } }]);

    const elsewhere = new StandInWebContents(ipcMain, 'https://example.test/');
    expect(await elsewhere.ipcRenderer.invoke('candidate:bridge:call', 'getState', [])).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await page.invoke('reportScreen', [{ width: 1024, height: 768, displays: 1 }])).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_METHOD' },
    });
    expect(await page.invoke('login', [1, 2])).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENTS' },
    });
    unbind();
    expect(ipcMain.handlers.size).toBe(0);
  });
});
