import { PROCTOR_SIGN_IN } from '@exam/domain';
import type { Ack, SignedIn } from '@exam/protocol';
import {
  askChallenge,
  call,
  linkBinding,
  type ProctorLink,
  rawProctorSocket,
  signInFor,
  signInProctor,
  startTestSite,
  type TestSite,
  testTrust,
} from '@exam/testkit';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Proctor sign-in (issue 16, point 3), as an attacker on the LAN would try it. In the old
 * design the console signed {site, room, signedAt, nonce} in the handshake with the time the
 * server reported: a rogue server answering "now + 24 h" harvested a statement the real site
 * accepted 24 hours later, on any connection, and again after a restart (nonces in memory).
 * Now a statement names a challenge this server issued to one connection, and that TLS
 * connection's binding.
 */
let site: TestSite;
const links: ProctorLink[] = [];
const logLines: { level: number; msg: string; reason?: string }[] = [];

const SITE_ID = testTrust().siteId;
const key = () => site.pki.proctors.get('R1')!;

async function link(): Promise<ProctorLink> {
  const l = await rawProctorSocket(site.url, testTrust());
  links.push(l);
  return l;
}

function signIn(l: ProctorLink, request: unknown): Promise<Ack<SignedIn>> {
  return call<Ack<SignedIn>>(l.socket, 'proctor:signIn', request);
}

const disconnected = (l: ProctorLink) =>
  expect.poll(() => l.socket.connected, { timeout: 10_000, interval: 20 }).toBe(false);

const refusals = () => logLines.filter((l) => l.msg === 'proctor sign-in refused');

beforeAll(async () => {
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => logLines.push(JSON.parse(line) as (typeof logLines)[number]) },
  );
  site = await startTestSite({ rooms: 2, perRoom: 2, logger });
});

afterAll(async () => {
  for (const l of links) l.socket.disconnect();
  await site.stop();
});

describe('proctor sign-in inside the connection', () => {
  it('lets a connection that has not signed in do nothing: every proctor event is UNAUTHORIZED', async () => {
    const l = await link();
    for (const [event, payload] of [
      ['room:subscribe', {}],
      ['login:open', { sittingId: 'S-J-ECON' }],
      ['violation:record', { sittingId: 'S-J-ECON', ticketNo: '1'.repeat(10), category: 'other' }],
      ['proctor:syncTime', {}],
    ] as const) {
      expect(await call(l.socket, event, payload), event).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHORIZED' },
      });
    }
  });

  it('signs a registered key in with a fresh challenge; the room follows', async () => {
    const l = await link();
    const reply = await signInProctor(l, key(), 'R1', SITE_ID);
    expect(reply).toMatchObject({
      ok: true,
      value: { roomId: 'R1', role: 'proctor', serverNow: site.clock.now() },
    });
    expect(await call(l.socket, 'room:subscribe', {})).toMatchObject({ ok: true, value: { roomId: 'R1' } });
    // One sign-in per connection.
    expect(await signInProctor(l, key(), 'R1', SITE_ID).catch((e: Error) => e.message)).toMatch(
      /NOT_ALLOWED_NOW/,
    );
  });

  it('refuses a statement relayed from another connection (what a rogue server harvests is useless)', async () => {
    // The attacker's own connection to the real site, and its challenge, passed on to the
    // console; the console signs it over the binding of the connection it is on (here the
    // victim's connection stands for the console's link to the rogue server).
    const attacker = await link();
    const victim = await link();
    const challenge = await askChallenge(attacker.socket);
    const harvested = signInFor(key(), {
      roomId: 'R1',
      challenge,
      tlsBinding: linkBinding(victim),
      siteId: SITE_ID,
    });
    expect(linkBinding(victim)).not.toBe(linkBinding(attacker));
    expect(await signIn(attacker, harvested)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    await disconnected(attacker);

    // Nor does the statement the console signed for its own connection work on another one.
    const own = await askChallenge(victim.socket);
    const statement = signInFor(key(), {
      roomId: 'R1',
      challenge: own,
      tlsBinding: linkBinding(victim),
      siteId: SITE_ID,
    });
    const other = await link();
    await askChallenge(other.socket);
    expect(await signIn(other, statement)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    // Both fail on the binding the server computes for its own end of the connection.
    expect(refusals().slice(-2)).toMatchObject([{ reason: 'signature' }, { reason: 'signature' }]);
    expect(await call(other.socket, 'room:subscribe', {}).catch(() => 'closed')).not.toMatchObject({
      ok: true,
    });
  });

  it('refuses a challenge that was issued to another connection, even over the right binding', async () => {
    const l = await link();
    const elsewhere = await link();
    const foreign = await askChallenge(elsewhere.socket);
    const statement = signInFor(key(), {
      roomId: 'R1',
      challenge: foreign,
      tlsBinding: linkBinding(l),
      siteId: SITE_ID,
    });
    expect(await signIn(l, statement)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(refusals().at(-1)).toMatchObject({ level: 40, reason: 'foreign-challenge' });
  });

  it('refuses a replayed statement, also after a restart of the site server', async () => {
    const first = await link();
    const challenge = await askChallenge(first.socket);
    const statement = signInFor(key(), {
      roomId: 'R1',
      challenge,
      tlsBinding: linkBinding(first),
      siteId: SITE_ID,
    });
    expect(await signIn(first, statement)).toMatchObject({ ok: true });

    const replay = await link();
    expect(await signIn(replay, statement)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });

    first.socket.disconnect();
    await site.restart();
    // The challenge's use survived the restart, in site.db.
    const row = site.server.ctx.db
      .prepare('SELECT used_at, used_by FROM proctor_challenges WHERE challenge = ?')
      .get(challenge) as { used_at: number | null; used_by: string | null };
    expect(row.used_at).not.toBeNull();
    const afterRestart = await link();
    expect(await signIn(afterRestart, statement)).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    });
    expect(await call(afterRestart.socket, 'room:subscribe', {}).catch(() => 'closed')).not.toMatchObject({
      ok: true,
    });
  });

  it('refuses an expired challenge', async () => {
    const l = await link();
    const challenge = await askChallenge(l.socket);
    site.clock.advance(PROCTOR_SIGN_IN.challengeTtlMs + 1);
    const statement = signInFor(key(), {
      roomId: 'R1',
      challenge,
      tlsBinding: linkBinding(l),
      siteId: SITE_ID,
    });
    expect(await signIn(l, statement)).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: expect.stringMatching(/expired/) },
    });
    expect(refusals().at(-1)).toMatchObject({ level: 40, reason: 'expired' });
  });

  it('refuses keys that are not this room’s, and logs each refusal with its reason', async () => {
    for (const [holder, roomId, reason] of [
      [site.pki.unregistered, 'R1', 'not-registered'],
      [site.pki.proctors.get('R2')!, 'R1', 'other-room'],
    ] as const) {
      const l = await link();
      expect(await signInProctor(l, holder, roomId, SITE_ID)).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHORIZED' },
      });
      await disconnected(l);
      expect(refusals().at(-1)).toMatchObject({ level: 40, reason });
    }
  });

  it('gives one connection only a few challenges', async () => {
    const l = await link();
    for (let i = 0; i < PROCTOR_SIGN_IN.challengesPerConnection; i++) await askChallenge(l.socket);
    expect(await call(l.socket, 'proctor:challenge', {})).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED' },
    });
    await disconnected(l);
  });
});
