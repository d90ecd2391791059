import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idNumberFor, ticketFor } from '@exam/centre';
import type { Ack } from '@exam/protocol';
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
import type {
  CommandArgs,
  CommandName,
  CommandResult,
  HostPush,
  HostResult,
  StandaloneExportResult,
} from '../shared/api.js';
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
 * The console's side of standalone mode (issue 17) against a real site server over real
 * sockets: the chief examiner's consent signed in the host, export to a folder without
 * replacing anything, collection, and the queue that keeps an answer file while the site
 * server is stopped and collects it once when it is back. The steps build on each other.
 */
const SITTING = 'S-J-ECON';
const T1 = ticketFor(1, 1);
const TARGET = 'h4-target';

let site: TestSite;
let host: ProctorHost;
let dataDir: string;
let keys: string;
let stick: string;
let chiefKey: string;
const sockets: Socket[] = [];
let last: Extract<HostPush, { type: 'standalone' }> | null = null;
let exported: StandaloneExportResult;
let packagePath: string;

/** The host's commands as the renderer sees them: typed by the bridge's command table. */
const invoke = <K extends CommandName>(name: K, args: CommandArgs<K>) =>
  host.invoke(name, args) as Promise<HostResult<CommandResult<K>>>;
const ok = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};
const standaloneRows = () =>
  site.server.ctx.db
    .prepare(
      'SELECT seq FROM answer_changes WHERE ticket_no = ? AND standalone_package_id IS NOT NULL ORDER BY seq',
    )
    .pluck()
    .all(T1) as number[];
const exportArgs = (over: Record<string, unknown> = {}) => ({
  sittingId: SITTING,
  ticketNo: T1,
  targetMachineFingerprint: '',
  reason: '考试机与备用机均故障',
  folder: stick,
  chiefKeyFile: chiefKey,
  chiefPin: TEST_PIN,
  ...over,
});

beforeAll(async () => {
  site = await startTestSite({ rooms: 1, perRoom: 3 });
  dataDir = mkdtempSync(join(tmpdir(), 'h4-console-'));
  keys = mkdtempSync(join(tmpdir(), 'h4-keys-'));
  stick = mkdtempSync(join(tmpdir(), 'h4-usb-'));
  chiefKey = chiefKeyFile(site, keys);
  host = new ProctorHost({ serverUrl: site.url, dataDir });
  host.subscribe((p) => {
    if (p.type === 'standalone') last = p;
  });
  await host.connect(openProctorKey(proctorKeyFile(site, 'R1').p12, TEST_PIN), site.url);
  ok(await invoke('openLogin', { sittingId: SITTING }));
  const old = rawSocket(site.url, 'candidate');
  const target = rawSocket(site.url, 'candidate');
  sockets.push(old, target);
  await Promise.all([connected(old), connected(target)]);
  await approvedMachine(site.url, old, { roomId: 'R1', seatNo: 1, machineId: 'h4-old' });
  await approvedMachine(site.url, target, { roomId: 'R1', seatNo: 3, machineId: TARGET });
  const login = await call<Ack<unknown>>(old, 'candidate:login', { ticketNo: T1, idNumber: idNumberFor(1) });
  expect(login.ok).toBe(true);
  site.clock.set(site.juniorStart);
  ok(await invoke('start', { sittingId: SITTING }));
  const t = site.clock.now();
  await call(old, 'answer:save', {
    sittingId: SITTING,
    changes: [{ seq: 1, itemId: 'J-001', value: 'A', flagged: false, madeAt: t }],
  });
  site.clock.advance(10 * 60_000);
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  host?.close();
  await site?.stop();
});

describe('export with the chief examiner’s consent', () => {
  it('lists the site’s approved machines with the fingerprint as the machine shows it', async () => {
    const { machines } = ok(await invoke('standaloneMachines', {}));
    const target = machines.find((m) => m.fingerprint === testMachineFingerprint(TARGET));
    expect(target).toMatchObject({ roomId: 'R1', seatNo: '3', busy: false });
    expect(target?.fingerprintText).toMatch(/^[0-9A-F]{4}(-[0-9A-F]{4}){3}$/);
    expect(machines.find((m) => m.fingerprint === testMachineFingerprint('h4-old'))?.busy).toBe(true);
  });

  it('refuses a proctor key as consent, a wrong PIN, and a folder that is not there, exporting nothing', async () => {
    const fingerprint = await targetFingerprint();
    const proctorKey = proctorKeyFileAt(site, 'R1', keys);
    const asProctor = await invoke(
      'standaloneExport',
      exportArgs({ targetMachineFingerprint: fingerprint, chiefKeyFile: proctorKey }),
    );
    expect(asProctor).toMatchObject({ ok: false, error: { code: 'NOT_CHIEF_KEY' } });
    const wrongPin = await invoke(
      'standaloneExport',
      exportArgs({ targetMachineFingerprint: fingerprint, chiefPin: '000000' }),
    );
    expect(wrongPin).toMatchObject({ ok: false, error: { code: 'BAD_PIN' } });
    const noStick = await invoke(
      'standaloneExport',
      exportArgs({ targetMachineFingerprint: fingerprint, folder: join(stick, 'not-mounted') }),
    );
    expect(noStick).toMatchObject({ ok: false, error: { code: 'FOLDER_NOT_FOUND' } });
    expect(existsSync(join(stick, 'not-mounted'))).toBe(false);
    expect(readdirSync(stick)).toEqual([]);
    expect(ok(await invoke('standaloneList', {})).packages).toEqual([]);
  });

  it('exports: the code once, the file beside an earlier one of the same name, openable on the target machine only with that code', async () => {
    const fingerprint = await targetFingerprint();
    // A file of the name the site gives the package is on the stick already: it stays as it was.
    const earlier = Buffer.from('an earlier file the proctor keeps');
    const names = () => readdirSync(stick).sort();
    exported = ok(await invoke('standaloneExport', exportArgs({ targetMachineFingerprint: fingerprint })));
    expect(exported.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(exported.folderError).toBeNull();
    packagePath = exported.savedTo;
    expect(packagePath.startsWith(stick)).toBe(true);
    const content = openPackageFile(site, packagePath, exported.code, TARGET);
    expect(content).toMatchObject({ packageId: exported.packageId, candidate: { ticketNo: T1 } });
    expect(content.changes.map((c) => c.seq)).toEqual([1]);
    expect(() => openPackageFile(site, packagePath, 'AAAA-AAAA-AAAA', TARGET)).toThrow();

    // Cancelled and exported again into the same folder: the first file is never replaced.
    writeFileSync(join(stick, 'note.txt'), earlier);
    const cancelled = await invoke('standaloneCancel', {
      sittingId: SITTING,
      ticketNo: T1,
      packageId: exported.packageId,
      reason: '目标考试机也故障，改用另一台',
      chiefKeyFile: chiefKey,
      chiefPin: TEST_PIN,
    });
    expect(cancelled).toMatchObject({ ok: true, value: { state: 'cancelled' } });
    const firstBytes = readFileSync(packagePath);
    exported = ok(await invoke('standaloneExport', exportArgs({ targetMachineFingerprint: fingerprint })));
    expect(exported.savedTo).not.toBe(packagePath);
    expect(readFileSync(packagePath).equals(firstBytes)).toBe(true);
    expect(readFileSync(join(stick, 'note.txt')).equals(earlier)).toBe(true);
    expect(names()).toHaveLength(3);
    packagePath = exported.savedTo;
    openPackageFile(site, packagePath, exported.code, TARGET);
    // The renderer is told: the candidate is in a standalone exam now.
    await eventually(() => last?.packages.find((p) => p.packageId === exported.packageId)?.state).toBe(
      'exported',
    );
  });

  it('refuses a second export of the same candidate while the package is out', async () => {
    const again = await invoke(
      'standaloneExport',
      exportArgs({ targetMachineFingerprint: await targetFingerprint() }),
    );
    expect(again).toMatchObject({ ok: false, error: { code: 'STANDALONE_ACTIVE' } });
  });
});

describe('collection (回收)', () => {
  it('merges an answer file and says how much; the same file again stores nothing twice', async () => {
    const pkg = openPackageFile(site, packagePath, exported.code, TARGET);
    const file = writeAnswerFile(pkg, TARGET, stick, {
      fileSeq: 1,
      changes: [
        { seq: 2, itemId: 'J-002', value: ['B', 'C'], elapsedMs: 60_000 },
        { seq: 3, itemId: 'J-003', value: true, elapsedMs: 90_000 },
      ],
    });
    const first = ok(await invoke('standaloneCollect', { path: file }));
    expect(first).toMatchObject({
      queued: false,
      merged: 2,
      alreadyHeld: 0,
      handedIn: false,
      state: 'exported',
    });
    const again = ok(await invoke('standaloneCollect', { path: file }));
    expect(again).toMatchObject({ queued: false, merged: 0, alreadyHeld: 2 });
    expect(standaloneRows()).toEqual([2, 3]);
  });

  it('refuses what is not an answer file, with a code the console words', async () => {
    const notOne = join(stick, 'notes.exampkg');
    writeFileSync(notOne, 'not a package');
    expect(await invoke('standaloneCollect', { path: notOne })).toMatchObject({
      ok: false,
      error: { code: 'BAD_PACKAGE' },
    });
    expect(await invoke('standaloneCollect', { path: join(stick, 'note.txt') })).toMatchObject({
      ok: false,
      error: { code: 'NOT_AN_ANSWER_FILE' },
    });
    expect(await invoke('standaloneCollect', { path: join(stick, 'gone.exampkg') })).toMatchObject({
      ok: false,
      error: { code: 'FILE_NOT_FOUND' },
    });
  });

  it('keeps an answer file while the site server is stopped, shows it waiting, and collects it once when the server is back', async () => {
    const pkg = openPackageFile(site, packagePath, exported.code, TARGET);
    const file = writeAnswerFile(pkg, TARGET, stick, {
      fileSeq: 2,
      changes: [{ seq: 4, itemId: 'J-004', value: 'D', elapsedMs: 120_000 }],
      handIn: { elapsedMs: 130_000, auto: false },
    });
    await site.server.close();
    const queued = ok(await invoke('standaloneCollect', { path: file }));
    expect(queued).toMatchObject({ queued: true, pending: 1 });
    // The same file handed in twice while offline is kept once.
    expect(ok(await invoke('standaloneCollect', { path: file }))).toMatchObject({
      queued: true,
      pending: 1,
    });
    expect(last?.queued).toHaveLength(1);
    expect(readdirSync(join(dataDir, 'standalone-queue'))).toHaveLength(1);

    await site.restart();
    // socket.io reconnects with back-off (up to 10 s between attempts).
    await expect.poll(() => last?.queued.length, { timeout: 30_000, interval: 100 }).toBe(0);
    expect(last?.lastQueuedOutcome?.result).toMatchObject({ merged: 1, handedIn: true, state: 'collected' });
    expect(standaloneRows()).toEqual([2, 3, 4]);
    expect(readdirSync(join(dataDir, 'standalone-queue'))).toEqual([]);
    await eventually(() => last?.packages.find((p) => p.packageId === exported.packageId)?.state).toBe(
      'collected',
    );
  });
});

/** The target machine as the console lists it (the proctor picks it there). */
async function targetFingerprint(): Promise<string> {
  const { machines } = ok(await invoke('standaloneMachines', {}));
  const target = machines.find((m) => m.fingerprint === testMachineFingerprint(TARGET));
  if (!target) throw new Error('target machine not listed');
  return target.fingerprint;
}
