import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Ack } from '@exam/protocol';
import { siteFetch, startTestSite, type TestSite } from '@exam/testkit';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { listAudit } from '../audit/auditTable.js';

/**
 * The site admin signs in with a password (issue 18, decision 0018): a real site server over
 * loopback HTTPS, a real site.db. The browser's cookie is carried by hand, as a browser would.
 */
const MIN = 60_000;
const sites: TestSite[] = [];
afterEach(async () => {
  for (const s of sites.splice(0)) await s.stop();
});

async function site(opts: Parameters<typeof startTestSite>[0] = {}): Promise<TestSite> {
  const s = await startTestSite({ rooms: 1, perRoom: 1, ...opts });
  sites.push(s);
  return s;
}

const initialPassword = (s: TestSite) =>
  readFileSync(join(s.dataDir, 'admin-initial-password'), 'utf8').trim();

interface Res<T = unknown> {
  status: number;
  body: Ack<T>;
  setCookie: string | null;
}

async function api<T = unknown>(
  s: TestSite,
  method: string,
  path: string,
  opts: { body?: unknown; cookie?: string; csrf?: string; bearer?: string } = {},
): Promise<Res<T>> {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.cookie) headers.cookie = `exam_admin=${opts.cookie}`;
  if (opts.csrf) headers['x-exam-csrf'] = opts.csrf;
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  const res = await siteFetch(`${s.url}${path}`, {
    method,
    headers,
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  return { status: res.status, body: (await res.json()) as Ack<T>, setCookie: res.headers.get('set-cookie') };
}

async function signIn(s: TestSite, password = initialPassword(s)) {
  const r = await api<{ csrf: string; initialPassword: boolean }>(s, 'POST', '/api/admin/session', {
    body: { password },
  });
  if (!r.body.ok) throw new Error(r.body.error.message);
  const cookie = /exam_admin=([^;]+)/.exec(r.setCookie ?? '')![1]!;
  return { cookie, csrf: r.body.value.csrf, res: r };
}

describe('the initial admin password', () => {
  it('is written once, owner-only, as XXXX-XXXX-XXXX-XXXX; the log names the file, never the password', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const s = await site({ logger });
    const path = join(s.dataDir, 'admin-initial-password');
    const password = initialPassword(s);
    expect(password).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(lines.join('')).toContain(path);
    expect(lines.join('')).not.toContain(password);
    // Only a hash is kept (made off the event loop, shortly after the start).
    const row = () =>
      s.server.ctx.db.prepare('SELECT scrypt FROM admin_password').get() as { scrypt: string } | undefined;
    await expect.poll(row, { timeout: 30_000 }).toBeDefined();
    const stored = row()!;
    expect(stored.scrypt).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(stored.scrypt).not.toContain(password);
    // A restart keeps the same password.
    await s.restart();
    expect(initialPassword(s)).toBe(password);
    await signIn(s);
  });
});

describe('signing in', () => {
  it('gives an HttpOnly, Secure, SameSite=Strict cookie and a CSRF token the page can recover', async () => {
    const s = await site();
    // What people confuse in a typed code is forgiven: lower case, no dashes.
    const { cookie, csrf, res } = await signIn(s, initialPassword(s).toLowerCase().replace(/-/g, ''));
    expect(res.setCookie).toMatch(
      /^exam_admin=[A-Za-z0-9_-]{43}; HttpOnly; Secure; SameSite=Strict; Path=\/$/,
    );
    expect(res.body).toEqual({ ok: true, value: { csrf, initialPassword: true } });

    expect((await api(s, 'GET', '/api/admin/session')).body).toEqual({
      ok: true,
      value: { signedIn: false },
    });
    expect((await api(s, 'GET', '/api/admin/session', { cookie })).body).toEqual({
      ok: true,
      value: { signedIn: true, csrf, initialPassword: true },
    });
    // A restart keeps the session (it is stored, hashed).
    await s.restart();
    expect((await api(s, 'GET', '/api/admin/status', { cookie })).status).toBe(200);
    const stored = s.server.ctx.db.prepare('SELECT token_sha256 FROM admin_sessions').all();
    expect(JSON.stringify(stored)).not.toContain(cookie);
  });

  it('refuses a wrong password, and a malformed body, and records the failure', async () => {
    const s = await site();
    const wrong = await api(s, 'POST', '/api/admin/session', { body: { password: 'not-it' } });
    expect(wrong).toMatchObject({ status: 401, body: { ok: false, error: { code: 'UNAUTHORIZED' } } });
    expect(wrong.setCookie).toBeNull();
    expect((await api(s, 'POST', '/api/admin/session', { body: { pass: 'x' } })).status).toBe(400);
    expect((await api(s, 'POST', '/api/admin/session', { body: { password: 'x'.repeat(201) } })).status).toBe(
      400,
    );
    expect(listAudit(s.server.ctx.db).map((e) => e.action)).toContain('admin-sign-in-failed');
  });

  it('locks an address out for ten minutes after five wrong passwords, even with the right one', async () => {
    const s = await site();
    for (let i = 0; i < 5; i++) {
      expect((await api(s, 'POST', '/api/admin/session', { body: { password: `wrong-${i}` } })).status).toBe(
        401,
      );
    }
    const locked = await api(s, 'POST', '/api/admin/session', { body: { password: initialPassword(s) } });
    expect(locked).toMatchObject({ status: 429, body: { ok: false, error: { code: 'RATE_LIMITED' } } });
    expect(locked.setCookie).toBeNull();
    // A restart does not hand the guesser a fresh count.
    await s.restart();
    expect(
      (await api(s, 'POST', '/api/admin/session', { body: { password: initialPassword(s) } })).status,
    ).toBe(429);
    s.clock.advance(10 * MIN + 1);
    await signIn(s);
  });
});

describe('the guard of every admin route', () => {
  it('takes the session cookie for reads, and for changes only with the session’s CSRF token', async () => {
    const s = await site();
    const { cookie, csrf } = await signIn(s);
    expect((await api(s, 'GET', '/api/admin/status')).status).toBe(401);
    expect((await api(s, 'GET', '/api/admin/status', { cookie: 'x'.repeat(43) })).status).toBe(401);
    expect((await api(s, 'GET', '/api/admin/status', { cookie })).status).toBe(200);
    // A change without the token, or with another session's, is refused before it runs.
    const path = '/api/admin/sittings/S-NOPE/answer-package';
    expect(await api(s, 'POST', path, { cookie, body: {} })).toMatchObject({
      status: 403,
      body: { ok: false, error: { code: 'FORBIDDEN' } },
    });
    const other = await signIn(s);
    expect((await api(s, 'POST', path, { cookie, csrf: other.csrf, body: {} })).status).toBe(403);
    // With it, the route runs (and refuses the unknown sitting itself).
    expect(await api(s, 'POST', path, { cookie, csrf, body: {} })).toMatchObject({
      status: 400,
      body: { ok: false, error: { code: 'UNKNOWN_SITTING' } },
    });
  });

  it('still takes the CLI’s bearer token (no CSRF: a browser never sends it by itself), and refuses a wrong one', async () => {
    const s = await site();
    const bearer = s.server.adminToken;
    expect((await api(s, 'GET', '/api/admin/status', { bearer })).status).toBe(200);
    expect((await api(s, 'GET', '/api/admin/status', { bearer: 'x'.repeat(bearer.length) })).status).toBe(
      401,
    );
    // A wrong bearer is not rescued by a good cookie.
    const { cookie } = await signIn(s);
    expect((await api(s, 'GET', '/api/admin/status', { bearer: 'nope', cookie })).status).toBe(401);
  });

  it('signs out after 8 hours without a request, and on sign-out', async () => {
    const s = await site();
    const a = await signIn(s);
    s.clock.advance(7 * 60 * MIN);
    expect((await api(s, 'GET', '/api/admin/status', { cookie: a.cookie })).status).toBe(200);
    // The request above counted as use: another 7 hours are still within the idle limit.
    s.clock.advance(7 * 60 * MIN);
    expect((await api(s, 'GET', '/api/admin/status', { cookie: a.cookie })).status).toBe(200);
    s.clock.advance(8 * 60 * MIN + 1);
    expect((await api(s, 'GET', '/api/admin/status', { cookie: a.cookie })).status).toBe(401);
    expect((await api(s, 'GET', '/api/admin/session', { cookie: a.cookie })).body).toEqual({
      ok: true,
      value: { signedIn: false },
    });

    const b = await signIn(s);
    expect((await api(s, 'DELETE', '/api/admin/session', { cookie: b.cookie })).status).toBe(403);
    const out = await api(s, 'DELETE', '/api/admin/session', { cookie: b.cookie, csrf: b.csrf });
    expect(out.status).toBe(200);
    expect(out.setCookie).toMatch(/^exam_admin=; .*Max-Age=0/);
    expect((await api(s, 'GET', '/api/admin/status', { cookie: b.cookie })).status).toBe(401);
    const actions = listAudit(s.server.ctx.db).map((e) => e.action);
    expect(actions.filter((a) => a === 'admin-signed-in')).toHaveLength(2);
    expect(actions).toContain('admin-signed-out');
  });
});

describe('changing the password', () => {
  it('needs the old one and 12 characters, removes the initial file, and ends the other sessions', async () => {
    const s = await site();
    const first = initialPassword(s);
    const mine = await signIn(s);
    const elsewhere = await signIn(s);
    const change = (body: unknown) =>
      api(s, 'POST', '/api/admin/password', { cookie: mine.cookie, csrf: mine.csrf, body });

    expect((await change({ old: first, new: 'short' })).status).toBe(400);
    expect((await change({ old: 'wrong-password', new: 'a long new password' })).status).toBe(401);
    expect((await change({ old: first, new: 'ABCD-EFGH-JKMN-PQRS' })).status).toBe(400);
    expect(statSync(join(s.dataDir, 'admin-initial-password')).isFile()).toBe(true);

    expect(await change({ old: first, new: '长城 long password 2021' })).toMatchObject({
      status: 200,
      body: { ok: true, value: { changed: true } },
    });
    expect(() => statSync(join(s.dataDir, 'admin-initial-password'))).toThrow();
    expect((await api(s, 'GET', '/api/admin/status', { cookie: mine.cookie })).status).toBe(200);
    expect((await api(s, 'GET', '/api/admin/status', { cookie: elsewhere.cookie })).status).toBe(401);
    expect((await api(s, 'POST', '/api/admin/session', { body: { password: first } })).status).toBe(401);
    const again = await signIn(s, '长城 long password 2021');
    expect(again.res.body).toMatchObject({ ok: true, value: { initialPassword: false } });
    // A restart does not bring back an initial password.
    await s.restart();
    expect(() => statSync(join(s.dataDir, 'admin-initial-password'))).toThrow();
    expect(listAudit(s.server.ctx.db).map((e) => e.action)).toContain('admin-password-changed');
  });
});
