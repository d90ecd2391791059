import { writeFileSync } from 'node:fs';
import { toPkcs12 } from '@exam/crypto';
import { startTestSite, type TestSite } from '@exam/site-server/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HostPush } from '../shared/api.js';
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

function host(): { host: ProctorHost; pushes: HostPush[] } {
  const h = new ProctorHost({ serverUrl: site.url, connectTimeoutMs: 5_000 });
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
});
