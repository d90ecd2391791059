import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { decryptPackageV2, sha256Hex, verifyPackageV2 } from '@exam/crypto';
import type { Ack } from '@exam/protocol';
import { siteFetch, startTestSite, type TestSite } from '@exam/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackupView, CommandResult, HostPush, HostResult } from '../shared/api.js';
import { proctorKeyFile, TEST_PIN } from '../testing/consoleHarness.js';
import { eventually } from '../testing/eventually.js';
import { ProctorHost } from './proctorHost.js';

/**
 * The console's backup with a real site over loopback (issue 18, point 3): made by itself
 * once the day's last sitting of its room has ended, and by the button; sealed for the
 * province and the centre, saved in its folder, deposited with the site, which stores it
 * and answers with its hash: the console shows 已备份并校验 with the path. The site's
 * checklist then counts the room's backup.
 */
const MIN = 60_000;
const SITTING = 'S-J-ECON';
const sites: TestSite[] = [];
const hosts: ProctorHost[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const h of hosts.splice(0)) h.close();
  for (const s of sites.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function signedInConsole(site: TestSite) {
  const key = proctorKeyFile(site, 'R1');
  writeFileSync(key.path, key.p12);
  const dataDir = mkdtempSync(join(tmpdir(), 'console-backup-'));
  dirs.push(dataDir, key.dir);
  const host = new ProctorHost({ serverUrl: site.url, connectTimeoutMs: 10_000, dataDir });
  hosts.push(host);
  const pushes: HostPush[] = [];
  host.subscribe((p) => pushes.push(p));
  const r = await host.invoke('signIn', { serverUrl: site.url, keyFile: key.path, pin: TEST_PIN });
  if (!r.ok) throw new Error(r.error.message);
  const lastBackup = () =>
    pushes.flatMap((p) => (p.type === 'backup' ? [p.backup] : [])).at(-1) as BackupView | undefined;
  return { host, dataDir, lastBackup };
}

async function siteBackups(site: TestSite) {
  const res = await siteFetch(`${site.url}/api/admin/backups`, {
    headers: { authorization: `Bearer ${site.server.adminToken}` },
  });
  const body = (await res.json()) as Ack<{
    rooms: { roomId: string; state: string; backup: { sha256: string; path: string } | null }[];
    checklist: { complete: boolean; items: { code: string }[] };
  }>;
  if (!body.ok) throw new Error(body.error.message);
  return body.value;
}

async function command<N extends 'openLogin' | 'start' | 'end'>(host: ProctorHost, name: N, args: unknown) {
  const r = (await host.invoke(name, args)) as HostResult<unknown>;
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
}

describe('the console’s backup, deposited with the site', () => {
  it('is made by itself after the day’s last sitting, sealed for the province, stored and verified by the site', async () => {
    const site = await startTestSite({ rooms: 1, perRoom: 2 });
    sites.push(site);
    const { host, lastBackup } = await signedInConsole(site);
    await command(host, 'openLogin', { sittingId: SITTING });
    site.clock.set(site.juniorStart);
    await command(host, 'start', { sittingId: SITTING });
    site.clock.advance(150 * MIN);
    await site.server.tick();
    // No backup while the day's sitting runs.
    expect(lastBackup()).toBeUndefined();
    await command(host, 'end', { sittingId: SITTING });

    await eventually(() => lastBackup()?.state).toBe('verified');
    const made = lastBackup()!;
    expect(made.auto).toBe(true);
    expect(made.savedTo).toMatch(/backups\/room-backup-R1-\d{8}-\d{4}\.exampkg$/);
    const bytes = readFileSync(made.savedTo!);
    expect(made.sha256).toBe(sha256Hex(bytes));

    // The site holds the same bytes and counts the room's backup of the day.
    await eventually(async () => (await siteBackups(site)).rooms[0]?.state).toBe('verified');
    const room = (await siteBackups(site)).rooms.find((r) => r.roomId === 'R1')!;
    expect(room.backup?.sha256).toBe(made.sha256);
    expect(readFileSync(room.backup!.path).equals(bytes)).toBe(true);

    // The province opens it (the centre too); it holds the room's replica.
    const verified = verifyPackageV2(bytes, {
      expectedKind: 'backup',
      signer: 'certificate',
      trustedRootPem: site.pki.centre.certPem,
      allowedSignerRoles: ['proctor'],
    });
    const content = JSON.parse(
      decryptPackageV2(verified, { kind: 'certificate', ...site.pki.province }).toString('utf8'),
    ) as { roomId: string };
    expect(content.roomId).toBe('R1');
    // With the site backup made after the final package, nothing is missing.
    await eventually(async () => (await siteBackups(site)).checklist.complete).toBe(true);
  });

  it('is made and deposited by the proctor’s button, and says so with the path', async () => {
    const site = await startTestSite({ rooms: 1, perRoom: 2 });
    sites.push(site);
    const { host, lastBackup } = await signedInConsole(site);
    const r = (await host.invoke('exportBackup', {})) as HostResult<CommandResult<'exportBackup'>>;
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.backup).toMatchObject({ state: 'verified', auto: false, savedTo: r.value.savedTo });
    expect(lastBackup()).toEqual(r.value.backup);
    const rooms = (await siteBackups(site)).rooms;
    // Before any sitting ran the room has no day to back up; the deposit is still on record.
    expect(rooms).toEqual([]);
    expect(basename(r.value.savedTo)).toMatch(/^room-backup-R1-/);
  });

  it('keeps the backup on the console and says it is not deposited when the site refuses it', async () => {
    const site = await startTestSite({ rooms: 1, perRoom: 2 });
    sites.push(site);
    const { host } = await signedInConsole(site);
    // The site's backups folder cannot be made: the deposit fails there, not here.
    writeFileSync(join(site.dataDir, 'backups'), 'not a folder');
    const r = (await host.invoke('exportBackup', {})) as HostResult<CommandResult<'exportBackup'>>;
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.backup).toMatchObject({
      state: 'saved-not-deposited',
      error: { code: expect.any(String) },
    });
    expect(readFileSync(r.value.savedTo).length).toBeGreaterThan(0);
  });
});
