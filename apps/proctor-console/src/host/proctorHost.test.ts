import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { decryptPackageV2, toPkcs12, verifyPackageV2 } from '@exam/crypto';
import { siteTimeStamp } from '@exam/domain';
import type { Notice } from '@exam/protocol';
import { SimulatedCandidate, startTestSite, type TestSite } from '@exam/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CommandResult, HostPush, HostResult } from '../shared/api.js';
import { proctorKeyFile, TEST_PIN, waitFor } from '../testing/consoleHarness.js';
import { ProctorHost } from './proctorHost.js';

let site: TestSite;
let keyPath: string;
let unregisteredPath: string;
const hosts: ProctorHost[] = [];

beforeAll(async () => {
  site = await startTestSite({ rooms: 1, perRoom: 2 });
  const key = proctorKeyFile(site, 'R1');
  keyPath = key.path;
  writeFileSync(keyPath, key.p12);
  unregisteredPath = `${key.dir}/unregistered.p12`;
  writeFileSync(
    unregisteredPath,
    toPkcs12({ ...site.pki.unregistered, chainPem: [site.pki.centre.certPem], pin: TEST_PIN }),
  );
});

afterEach(() => {
  for (const h of hosts.splice(0)) h.close();
});

afterAll(async () => {
  await site.stop();
});

function host(
  dataDir?: string,
  openSaved?: (path: string, how: 'open' | 'reveal') => Promise<void>,
): { host: ProctorHost; pushes: HostPush[] } {
  const h = new ProctorHost({
    serverUrl: site.url,
    connectTimeoutMs: 5_000,
    ...(dataDir ? { dataDir } : {}),
    ...(openSaved ? { openSaved } : {}),
  });
  hosts.push(h);
  const pushes: HostPush[] = [];
  h.subscribe((p) => pushes.push(p));
  return { host: h, pushes };
}

describe('the console host', () => {
  it('signs in with the room’s key file and PIN and pushes the room to the renderer', async () => {
    const { host: h, pushes } = host();
    const r = await h.invoke('signIn', { serverUrl: site.url, keyFile: keyPath, pin: TEST_PIN });
    expect(r).toMatchObject({
      ok: true,
      value: { role: 'proctor', roomId: 'R1', siteId: 'SITE-T', holder: '监考R1' },
    });
    const full = pushes.find((p) => p.type === 'full');
    expect(full && full.type === 'full' ? full.tiles.map((t) => t.ticketTail) : []).toEqual(['001', '002']);
    expect(pushes.at(-1)).toMatchObject({ type: expect.stringMatching(/full|delta/) });
  });

  it('refuses a wrong PIN, a missing file and an unregistered key, saying which', async () => {
    const { host: h, pushes } = host();
    expect(await h.invoke('signIn', { serverUrl: site.url, keyFile: keyPath, pin: '000000' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_PIN' },
    });
    expect(
      await h.invoke('signIn', { serverUrl: site.url, keyFile: '/nonexistent.p12', pin: '' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_KEY_FILE' },
    });
    const refused = await h.invoke('signIn', {
      serverUrl: site.url,
      keyFile: unregisteredPath,
      pin: TEST_PIN,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(pushes.at(-1)).toMatchObject({ type: 'session', session: { phase: 'signed-out' } });
  });

  it('refuses to run another room than its proctor key’s, saying whose key it is', async () => {
    const { host: h, pushes } = host();
    const refused = await h.invoke('signIn', {
      serverUrl: site.url,
      keyFile: keyPath,
      pin: TEST_PIN,
      roomId: 'R2',
    });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'ROOM_MISMATCH', details: { keyRoom: 'R1', room: 'R2' } },
    });
    expect(refused.ok ? '' : refused.error.message).toContain('此监考锁属于考场 R1，不能用于考场 R2');
    expect(pushes.some((p) => p.type === 'session' && p.session.phase === 'signing-in')).toBe(false);
    // Its own room, named or not, is fine.
    expect(
      await h.invoke('signIn', { serverUrl: site.url, keyFile: keyPath, pin: TEST_PIN, roomId: 'R1' }),
    ).toMatchObject({ ok: true, value: { roomId: 'R1' } });
  });

  it('refuses another room on web mode’s command line with the same sentence', () => {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const main = new URL('./webMain.ts', import.meta.url).pathname;
    const r = spawnSync(
      process.execPath,
      ['--import', tsx, main, '--server', 'http://127.0.0.1:9', '--key-file', keyPath, '--room', 'R2'],
      { env: { ...process.env, EXAM_PROCTOR_PIN: TEST_PIN }, encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('此监考锁属于考场 R1，不能用于考场 R2。');
  });

  it('refuses room commands before sign-in, unknown commands and malformed arguments', async () => {
    const { host: h } = host();
    expect(await h.invoke('openLogin', { sittingId: 'S-J-ECON' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_SIGNED_IN' },
    });
    expect(await h.invoke('__proto__', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    await h.invoke('signIn', { serverUrl: site.url, keyFile: keyPath, pin: TEST_PIN });
    expect(
      await h.invoke('extend', { sittingId: 'S-J-ECON', tickets: ['x'], minutes: 5, reason: 'r' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_MESSAGE' },
    });
  });

  it('passes the server’s refusal through with its code and details', async () => {
    const { host: h, pushes } = host();
    await h.invoke('signIn', { serverUrl: site.url, keyFile: keyPath, pin: TEST_PIN });
    await h.invoke('openLogin', { sittingId: 'S-J-ECON' });
    site.clock.set(site.juniorStart + 45 * 60_000);
    const r = await h.invoke('start', { sittingId: 'S-J-ECON', reason: '停电' });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'CODE_REQUIRED', details: { authority: 'province-code' } },
    });
    await waitFor('the login-open push', () =>
      pushes.some((p) => p.type === 'delta' && p.room?.sittings.some((s) => s.loginOpenedAt !== null)),
    );
  });

  it('keeps the replica in its data folder, exports a backup the centre opens, and logs notice acknowledgements', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'proctor-host-data-'));
    const { host: h, pushes } = host(dataDir);
    await h.invoke('signIn', { serverUrl: site.url, keyFile: keyPath, pin: TEST_PIN });
    site.clock.set(site.juniorStart - 10 * 60_000);
    await h.invoke('openLogin', { sittingId: 'S-J-ECON' });
    const candidate = await SimulatedCandidate.register(site, 1);
    try {
      await candidate.login();
      site.clock.set(site.juniorStart);
      expect(await h.invoke('start', { sittingId: 'S-J-ECON' })).toMatchObject({ ok: true });
      await candidate.save('S-J-ECON', 'J-001', 'B');
      expect(existsSync(join(dataDir, 'replica-SITE-T-R1.sqlite'))).toBe(true);

      const delivered = new Promise<Notice>((resolve) => candidate.socket.once('notice', resolve));
      const sent = await h.invoke('sendNotice', {
        sittingId: 'S-J-ECON',
        ticketNo: candidate.ticketNo,
        text: '请关闭手机',
      });
      expect(sent).toMatchObject({ ok: true, value: { recipients: 1 } });
      await candidate.socket.emitWithAck('notice:ack', { noticeId: (await delivered).noticeId });
      await waitFor('the acknowledgement in the history', () =>
        pushes.some(
          (p) =>
            p.type === 'delta' &&
            p.history?.some(
              (e) =>
                e.kind === 'noticeAck' && e.params.text === '请关闭手机' && e.ticketNo === candidate.ticketNo,
            ),
        ),
      );

      // The answer reaches the replica straight after the server's commit (pushed, or pulled).
      let backup = await exportBackup(h);
      for (let i = 0; i < 50 && backup.changes < 1; i++) {
        await new Promise((r) => setTimeout(r, 50));
        backup = await exportBackup(h);
      }
      expect(backup.changes).toBe(1);
      const verified = verifyPackageV2(readFileSync(backup.savedTo), {
        expectedKind: 'backup',
        signer: 'certificate',
        trustedRootPem: site.pki.centre.certPem,
        allowedSignerRoles: ['proctor'],
      });
      // Sealed for the province the exam names (issue 18), and deposited with the site.
      expect(backup.backup).toMatchObject({ state: 'verified', savedTo: backup.savedTo });
      const opened = { payload: decryptPackageV2(verified, { kind: 'certificate', ...site.pki.province }) };
      const payload = JSON.parse(opened.payload.toString('utf8')) as {
        changes: { itemId: string; value: unknown }[];
      };
      expect(payload.changes).toMatchObject([{ itemId: 'J-001', value: 'B' }]);

      // The candidate's trail from the site, as history lines the console can print.
      const detail = (await h.invoke('candidateDetail', {
        sittingId: 'S-J-ECON',
        ticketNo: candidate.ticketNo,
      })) as HostResult<CommandResult<'candidateDetail'>>;
      if (!detail.ok) throw new Error(detail.error.message);
      expect(detail.value.history.map((e) => e.kind)).toEqual(
        expect.arrayContaining(['loginOpened', 'login', 'started', 'notice', 'noticeAck']),
      );
    } finally {
      candidate.close();
    }
  });
});

describe('the saved report and backup', () => {
  it('names backups by the site’s local time and never writes over one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'proctor-host-backup-'));
    const { host: h } = host(dataDir);
    await h.invoke('signIn', { serverUrl: site.url, keyFile: keyPath, pin: TEST_PIN });
    const stamp = siteTimeStamp(site.clock.now());
    const first = await exportBackup(h);
    const second = await exportBackup(h);
    expect([basename(first.savedTo), basename(second.savedTo)]).toEqual([
      `room-backup-R1-${stamp}.exampkg`,
      `room-backup-R1-${stamp}-2.exampkg`,
    ]);
    // The test clock runs around 00:30 UTC: the name reads 08:xx or 09:xx, the site's morning.
    expect(stamp).toMatch(/^20211023-0[89]\d{2}$/);
  });

  it('opens or reads back only files it saved itself', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'proctor-host-open-'));
    const opened: [string, string][] = [];
    const { host: h } = host(dataDir, async (path, how) => {
      opened.push([path, how]);
    });
    await h.invoke('signIn', { serverUrl: site.url, keyFile: keyPath, pin: TEST_PIN });
    const backup = await exportBackup(h);
    expect(await h.invoke('openSaved', { path: backup.savedTo, how: 'reveal' })).toEqual({
      ok: true,
      value: { opened: true },
    });
    expect(opened).toEqual([[backup.savedTo, 'reveal']]);
    // A backup is never handed to the system's default app, only shown in its folder.
    expect(await h.invoke('openSaved', { path: backup.savedTo, how: 'open' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_SAVED' },
    });
    const read = await h.invoke('readSaved', { path: backup.savedTo });
    expect(read).toMatchObject({ ok: true, value: { fileName: basename(backup.savedTo) } });
    if (read.ok) {
      const { base64 } = read.value as { base64: string };
      expect(Buffer.from(base64, 'base64').equals(readFileSync(backup.savedTo))).toBe(true);
    }
    // The key file (or anything else on disk) is not the renderer's to open or read.
    for (const name of ['openSaved', 'readSaved'] as const) {
      expect(await h.invoke(name, { path: keyPath, how: 'open' })).toMatchObject({
        ok: false,
        error: { code: name === 'openSaved' ? 'NOT_SAVED' : 'INVALID_MESSAGE' },
      });
    }
    expect(await h.invoke('readSaved', { path: keyPath })).toMatchObject({
      ok: false,
      error: { code: 'NOT_SAVED' },
    });
    // Web mode's host opens nothing itself: the browser does.
    const { host: web } = host(mkdtempSync(join(tmpdir(), 'proctor-host-web-')));
    await web.invoke('signIn', { serverUrl: site.url, keyFile: keyPath, pin: TEST_PIN });
    const saved = await exportBackup(web);
    expect(await web.invoke('openSaved', { path: saved.savedTo, how: 'reveal' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_AVAILABLE' },
    });
  });
});

async function exportBackup(h: ProctorHost): Promise<CommandResult<'exportBackup'>> {
  const r = (await h.invoke('exportBackup', {})) as HostResult<CommandResult<'exportBackup'>>;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
