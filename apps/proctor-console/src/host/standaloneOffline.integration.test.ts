import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idNumberFor, ticketFor } from '@exam/centre';
import { SITTING_RULES } from '@exam/domain';
import type { Ack } from '@exam/protocol';
import { idNumberMatches } from '@exam/standalone';
import {
  approvedMachine,
  call,
  connected,
  rawSocket,
  startTestSite,
  type TestSite,
  testMachineFingerprint,
} from '@exam/testkit';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandArgs, CommandName, CommandResult, HostPush, HostResult } from '../shared/api.js';
import { proctorKeyFile, TEST_PIN } from '../testing/consoleHarness.js';
import { eventually } from '../testing/eventually.js';
import {
  chiefKeyFile,
  openPackageFile,
  proctorKeyFileAt,
  writeAnswerFile,
} from '../testing/standaloneFiles.js';
import { ProctorHost } from './proctorHost.js';
import { openProctorKey } from './proctorKey.js';

/**
 * Offline export (decision 0017, amendment) against a real site server over real sockets: the
 * console holds the kit and, after the start, the sitting key in memory; with the site server
 * stopped it builds the package from its replica, signed by the chief examiner; the answer
 * file collected meanwhile waits; when the site is back the registration goes first, then the
 * answer file. The steps build on each other.
 */
const SITTING = 'S-J-ECON';
const T1 = ticketFor(1, 1);
const TARGET = 'off-target';

let site: TestSite;
let host: ProctorHost;
let dataDir: string;
let keys: string;
let stick: string;
let chiefKey: string;
let old: Socket;
const sockets: Socket[] = [];
let last: Extract<HostPush, { type: 'standalone' }> | null = null;
let session: Extract<HostPush, { type: 'session' }>['session'] | null = null;

const invoke = <K extends CommandName>(name: K, args: CommandArgs<K>) =>
  host.invoke(name, args) as Promise<HostResult<CommandResult<K>>>;
const ok = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};
const offlineArgs = (over: Record<string, unknown> = {}) => ({
  sittingId: SITTING,
  ticketNo: T1,
  targetMachineFingerprint: testMachineFingerprint(TARGET),
  reason: '考点服务器故障，考试机亦故障',
  folder: stick,
  chiefKeyFile: chiefKey,
  chiefPin: TEST_PIN,
  offline: true,
  ...over,
});
/** The console's replica, as the host holds it (private: read for the test only). */
const core = () =>
  (
    host as unknown as {
      core: { replica: { countChanges(): number } | null; syncTime(): Promise<void> } | null;
    }
  ).core;
const replicaChanges = () => core()?.replica?.countChanges();
/** Every byte this console keeps on its disk (the replica, its WAL, the queues). */
function consoleDiskBytes(dir = dataDir): Buffer {
  const parts: Buffer[] = [];
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    parts.push(name.isDirectory() ? consoleDiskBytes(path) : readFileSync(path));
  }
  return Buffer.concat(parts);
}

beforeAll(async () => {
  site = await startTestSite({ rooms: 1, perRoom: 3 });
  dataDir = mkdtempSync(join(tmpdir(), 'h1-console-'));
  keys = mkdtempSync(join(tmpdir(), 'h1-keys-'));
  stick = mkdtempSync(join(tmpdir(), 'h1-usb-'));
  chiefKey = chiefKeyFile(site, keys);
  host = new ProctorHost({ serverUrl: site.url, dataDir });
  host.subscribe((p) => {
    if (p.type === 'standalone') last = p;
    if (p.type === 'session') session = p.session;
  });
  await host.connect(openProctorKey(proctorKeyFile(site, 'R1').p12, TEST_PIN), site.url);
  ok(await invoke('openLogin', { sittingId: SITTING }));
  old = rawSocket(site.url, 'candidate');
  const target = rawSocket(site.url, 'candidate');
  sockets.push(old, target);
  await Promise.all([connected(old), connected(target)]);
  await approvedMachine(site.url, old, { roomId: 'R1', seatNo: 1, machineId: 'off-old' });
  await approvedMachine(site.url, target, { roomId: 'R1', seatNo: 3, machineId: TARGET });
  const login = await call<Ack<unknown>>(old, 'candidate:login', { ticketNo: T1, idNumber: idNumberFor(1) });
  expect(login.ok).toBe(true);
  site.clock.set(site.juniorStart);
  ok(await invoke('start', { sittingId: SITTING }));
  const t = site.clock.now();
  await call(old, 'answer:save', {
    sittingId: SITTING,
    changes: [
      { seq: 1, itemId: 'J-001', value: 'A', flagged: false, madeAt: t },
      { seq: 2, itemId: 'J-002', value: ['B'], flagged: true, madeAt: t },
    ],
  });
  site.clock.advance(10 * 60_000);
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  host?.close();
  await site?.stop();
});

describe('what the console holds ahead of time', () => {
  it('the kit in its replica and, since the start, the sitting key in memory only', async () => {
    await eventually(() => last?.offline.kitHeld).toBe(true);
    await eventually(() => last?.offline.sittingsWithKey.includes(SITTING)).toBe(true);
    expect(last?.offline.machines.map((m) => m.fingerprint)).toContain(testMachineFingerprint(TARGET));
    // The replica holds both answers before the site goes down.
    await eventually(() => replicaChanges()).toBe(2);
    const key = site.server.ctx.papers.key(SITTING);
    const disk = consoleDiskBytes();
    expect(disk.includes(Buffer.from(key.toString('base64')))).toBe(false);
    expect(disk.includes(key)).toBe(false);
    expect(disk.includes(Buffer.from(idNumberFor(1)))).toBe(false);
  });

  it('refuses an offline export while the site server is reachable', async () => {
    expect(await invoke('standaloneExport', offlineArgs())).toMatchObject({
      ok: false,
      error: { code: 'SITE_REACHABLE' },
    });
    expect(readdirSync(stick)).toEqual([]);
  });
});

let packagePath: string;
let code: string;
let packageId: string;

describe('with the site server down', () => {
  it('exports through the site no more, and offline only with the chief examiner’s key', async () => {
    // The console's estimate of the site's clock, as its periodic time sync keeps it.
    await core()?.syncTime();
    await site.server.close();
    await eventually(() => session?.phase === 'signed-in' && session.connected).toBe(false);
    expect(await invoke('standaloneExport', offlineArgs({ offline: false }))).toMatchObject({
      ok: false,
      error: { code: 'OFFLINE' },
    });
    const asProctor = await invoke(
      'standaloneExport',
      offlineArgs({ chiefKeyFile: proctorKeyFileAt(site, 'R1', keys) }),
    );
    expect(asProctor).toMatchObject({ ok: false, error: { code: 'NOT_CHIEF_KEY' } });
    const notApproved = await invoke(
      'standaloneExport',
      offlineArgs({ targetMachineFingerprint: 'e'.repeat(64) }),
    );
    expect(notApproved).toMatchObject({ ok: false, error: { code: 'MACHINE_NOT_APPROVED' } });
    expect(readdirSync(stick)).toEqual([]);
    expect(last?.offline.pendingRegistrations).toEqual([]);
  });

  it('builds the package from the replica: the answers held, the time left, signed by the chief examiner, opened on the target machine with its code', async () => {
    const done = ok(await invoke('standaloneExport', offlineArgs()));
    expect(done).toMatchObject({ offline: true, folderError: null });
    ({ code, packageId } = done);
    packagePath = done.savedTo;
    expect(packagePath.startsWith(stick)).toBe(true);
    const content = openPackageFile(site, packagePath, code, TARGET);
    expect(content).toMatchObject({
      packageId,
      builtBy: 'console',
      roomId: 'R1',
      sittingId: SITTING,
      highestSeq: 2,
      candidate: { ticketNo: T1 },
      consent: { reason: '考点服务器故障，考试机亦故障' },
    });
    expect(content.changes.map((c) => [c.seq, c.value, c.flagged])).toEqual([
      [1, 'A', false],
      [2, ['B'], true],
    ]);
    expect(idNumberMatches(content.packageId, content.candidate, idNumberFor(1))).toBe(true);
    expect(idNumberMatches(content.packageId, content.candidate, idNumberFor(2))).toBe(false);
    // The time left: the candidate's end minus the console's estimate of the site's now.
    const expected = site.juniorStart + SITTING_RULES.junior.durationMs - site.clock.now();
    expect(Math.abs(content.remainingMs - expected)).toBeLessThan(60_000);
    // The registration waits on disk.
    expect(last?.offline.pendingRegistrations.map((r) => r.packageId)).toEqual([packageId]);
    expect(readdirSync(join(dataDir, 'standalone-registrations'))).toHaveLength(1);
  });

  it('keeps the answer file collected meanwhile, to send after the registration', async () => {
    const pkg = openPackageFile(site, packagePath, code, TARGET);
    const file = writeAnswerFile(pkg, TARGET, stick, {
      fileSeq: 1,
      changes: [
        { seq: 3, itemId: 'J-003', value: true, elapsedMs: 60_000 },
        { seq: 4, itemId: 'J-004', value: 'D', elapsedMs: 90_000 },
      ],
      handIn: { elapsedMs: 100_000, auto: false },
    });
    expect(ok(await invoke('standaloneCollect', { path: file }))).toMatchObject({ queued: true, pending: 1 });
  });
});

describe('when the site server is back', () => {
  it('registers the package first, then collects its answer file: the candidate is handed in', async () => {
    await site.restart();
    await expect
      .poll(() => last?.offline.pendingRegistrations.length, { timeout: 30_000, interval: 100 })
      .toBe(0);
    await expect.poll(() => last?.queued.length, { timeout: 30_000, interval: 100 }).toBe(0);
    expect(last?.offline.lastRegistration).toMatchObject({
      packageId,
      error: null,
      onlineChangesAfterExport: 0,
    });
    expect(last?.lastQueuedOutcome?.result).toMatchObject({ merged: 2, handedIn: true, state: 'collected' });
    const db = site.server.ctx.db;
    expect(
      db.prepare('SELECT built_by, state FROM standalone_packages WHERE package_id = ?').get(packageId),
    ).toEqual({
      built_by: 'console',
      state: 'collected',
    });
    const actions = db
      .prepare("SELECT action FROM audit_events WHERE action LIKE 'standalone.%' ORDER BY seq")
      .pluck()
      .all();
    expect(actions).toEqual(['standalone.exported', 'standalone.collected']);
    const seqs = db
      .prepare('SELECT seq, standalone_package_id FROM answer_changes WHERE ticket_no = ? ORDER BY seq')
      .all(T1);
    expect(seqs).toEqual([
      { seq: 1, standalone_package_id: null },
      { seq: 2, standalone_package_id: null },
      { seq: 3, standalone_package_id: packageId },
      { seq: 4, standalone_package_id: packageId },
    ]);
    await eventually(() => last?.packages.find((p) => p.packageId === packageId)?.builtBy).toBe('console');
    expect(existsSync(join(dataDir, 'standalone-registrations-refused'))).toBe(false);
  });
});
