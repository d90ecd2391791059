import { request as httpRequest } from 'node:http';
import { isServerIdentityFailure } from '@exam/crypto';
import {
  call,
  connected,
  NetworkLink,
  proctorSocket,
  type RogueCertificate,
  rawSocket,
  SimulatedCandidate,
  siteFetch,
  startRogueSite,
  startTestSite,
  type TestSite,
  testTrust,
} from '@exam/testkit';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

// Issue 16, points 1 and 2: nothing on the LAN is readable, and no client talks to a server
// that cannot prove it is this site's, with a certificate from the centre root naming it.

let site: TestSite;
const sockets: Socket[] = [];
beforeAll(async () => {
  site = await startTestSite({ rooms: 1, perRoom: 2 });
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});
afterAll(async () => {
  await site.stop();
});

/** What a connect attempt ended in: connected, or the error socket.io reported. */
async function tryConnect(s: Socket): Promise<'connected' | Error> {
  sockets.push(s);
  try {
    await connected(s);
    return 'connected';
  } catch (e) {
    return e as Error;
  }
}

/** A plain-HTTP request to `url`'s port: resolves with the status, rejects if no HTTP answer came. */
function plainGet(url: string): Promise<number> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/api/health' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error('no answer')));
    req.end();
  });
}

describe('the site server speaks TLS only', () => {
  it('serves HTTPS and WSS to a client that trusts the centre root and checks the siteId', async () => {
    expect(site.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await siteFetch(`${site.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await tryConnect(rawSocket(site.url, 'candidate'))).toBe('connected');
  });

  it('gives a plain-HTTP request and a plain websocket on its port no answer', async () => {
    await expect(plainGet(site.url)).rejects.toThrow();
    const plainUrl = site.url.replace('https:', 'http:');
    const result = await tryConnect(rawSocket(plainUrl, 'candidate'));
    expect(result).toBeInstanceOf(Error);
  });

  it('refuses a client configured for another site', async () => {
    const trust = { ...testTrust(), siteId: 'SITE-OTHER' };
    const result = await tryConnect(rawSocket(site.url, 'candidate', {}, trust));
    expect(result).toBeInstanceOf(Error);
    expect(isServerIdentityFailure(result)).toBe(true);
    await expect(siteFetch(`${site.url}/api/health`, {}, trust)).rejects.toMatchObject({
      code: 'SERVER_IDENTITY',
    });
  });
});

describe('a server posing as the site is refused by the testkit clients', () => {
  const cases: [RogueCertificate, string][] = [
    ['self-made-root', 'a certificate from a root of its own'],
    ['other-site', 'a centre certificate for another site'],
    ['site-signing-cert', 'the site key certificate, which is no TLS certificate'],
  ];
  for (const [kind, what] of cases) {
    it(`refuses a server with ${what}`, async () => {
      const rogue = await startRogueSite(kind);
      try {
        const result = await tryConnect(rawSocket(rogue.url, 'candidate'));
        expect(result).toBeInstanceOf(Error);
        expect(isServerIdentityFailure(result)).toBe(true);
        await expect(siteFetch(`${rogue.url}/api/health`)).rejects.toSatisfy(isServerIdentityFailure);
      } finally {
        await rogue.stop();
      }
    });
  }
});

/**
 * A sniffer on the path: the link records every byte between a test machine and the server
 * while a candidate logs in, gets the paper and the sitting key, and saves an answer.
 */
async function sniffedSitting(target: TestSite) {
  const link = await NetworkLink.create(target.url);
  const proctor = await proctorSocket(target, 'R1');
  sockets.push(proctor);
  await call(proctor, 'login:open', { sittingId: 'S-J-ECON' });
  // Registered and approved through the link, as a machine on the sniffed switch would be.
  const viaLink = { ...target, url: link.url } as TestSite;
  const machine = await SimulatedCandidate.register(viaLink, 1);
  sockets.push(machine.socket);
  const started = new Promise<{ sittingKey?: string }>((resolve) =>
    machine.socket.once('sitting:started', (s: { sittingKey?: string }) => resolve(s)),
  );
  const login = (await machine.login(1)) as { sessionToken: string };
  target.clock.set(target.juniorStart);
  await call(proctor, 'sitting:start', { sittingId: 'S-J-ECON' });
  const { sittingKey } = await started;
  expect(await machine.save('S-J-ECON', 'J-002', ['A', 'C'])).toBe(1);
  machine.close();
  await link.close();
  const seen = link.captured().toString('latin1');
  const ticket = machine.ticketNo;
  return {
    seen,
    secrets: { ticket, token: login.sessionToken, sittingKey: sittingKey ?? '', answer: '"J-002"' },
  };
}

describe('a sniffer on the LAN', () => {
  it('reads neither the login, the token, the sitting key nor the answers while the exam runs through it', async () => {
    const { seen, secrets } = await sniffedSitting(site);
    // It did see the whole exchange: TLS 1.3 application-data records (0x17 0x03 0x03).
    expect(seen.length).toBeGreaterThan(2_000);
    expect(seen).toContain('\x17\x03\x03');
    expect(secrets.sittingKey.length).toBeGreaterThan(0);
    for (const secret of Object.values(secrets)) expect(seen).not.toContain(secret);
  });
});
