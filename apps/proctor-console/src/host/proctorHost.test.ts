import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPackage, toPkcs12 } from '@exam/crypto';
import type { Notice } from '@exam/protocol';
import { startTestSite, type TestSite } from '@exam/site-server/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CommandResult, HostPush, HostResult } from '../shared/api.js';
import { proctorKeyFile, TEST_PIN, waitFor } from '../testing/consoleHarness.js';
import { SimulatedCandidate } from '../testing/simulatedCandidate.js';
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

function host(dataDir?: string): { host: ProctorHost; pushes: HostPush[] } {
  const h = new ProctorHost({
    serverUrl: site.url,
    connectTimeoutMs: 5_000,
    ...(dataDir ? { dataDir } : {}),
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
      const opened = readPackage(readFileSync(backup.savedTo), {
        trustedRootPem: site.pki.centre.certPem,
        recipientCertPem: site.pki.centre.certPem,
        recipientPrivateKeyPem: site.pki.centre.privateKeyPem,
        expectedKind: 'backup',
        allowedSignerRoles: ['proctor'],
      });
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

async function exportBackup(h: ProctorHost): Promise<CommandResult<'exportBackup'>> {
  const r = (await h.invoke('exportBackup', {})) as HostResult<CommandResult<'exportBackup'>>;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
