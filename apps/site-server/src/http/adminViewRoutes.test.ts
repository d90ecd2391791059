import { arrangementCode, testExamSpec } from '@exam/centre';
import {
  type ArrangementCheckResult,
  type ArrangementOverview,
  ERROR_CODES,
  type RegisteredKeyView,
  type RoomsOverview,
} from '@exam/protocol';
import {
  type EmptyTestSite,
  ensureAdminPage,
  siteFetch,
  startEmptyTestSite,
  startTestSite,
  type TestSite,
} from '@exam/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../audit/auditTable.js';

/**
 * The admin page's routes over real HTTPS: the views and the arrangement check behind the
 * admin guard, each refusal, and the page itself served with the renderers' strict CSP.
 */
let site: TestSite;
let empty: EmptyTestSite;
const EXAM = { rooms: 3, perRoom: 4 };
const SPEC = () => testExamSpec({ ...EXAM, juniorStart: new Date(site.juniorStart) });

beforeAll(async () => {
  [site, empty] = await Promise.all([startTestSite(EXAM), startEmptyTestSite()]);
  await ensureAdminPage();
}, 180_000);
afterAll(async () => {
  await Promise.all([site?.stop(), empty?.stop()]);
});

const asAdmin = (s: { server: { adminToken: string } }) => ({
  authorization: `Bearer ${s.server.adminToken}`,
});
async function api<T = unknown>(
  s: TestSite | EmptyTestSite,
  path: string,
  init: { method?: string; body?: unknown } = {},
) {
  const res = await siteFetch(`${s.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...asAdmin(s),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { ok: boolean; value: T; error?: { code: string } },
  };
}

describe('the admin views', () => {
  it('refuses every view and the check without the admin credential', async () => {
    for (const [method, path] of [
      ['GET', '/api/admin/overview'],
      ['GET', '/api/admin/rooms'],
      ['GET', '/api/admin/keys'],
      ['GET', '/api/admin/arrangement'],
      ['POST', '/api/admin/arrangement-check'],
    ] as const) {
      const res = await siteFetch(`${site.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' },
        ...(method === 'POST' ? { body: JSON.stringify({ code: arrangementCode(SPEC(), 'R1') }) } : {}),
      });
      expect(res.status, path).toBe(401);
    }
    // Nothing was checked by the refused request.
    expect(listAudit(site.server.ctx.db).filter((e) => e.action === 'arrangement.checked')).toEqual([]);
  });

  it('lists the rooms, their sittings and the registered keys of the imported exam', async () => {
    const rooms = await api<RoomsOverview>(site, '/api/admin/rooms');
    expect(rooms.body.value.site).toMatchObject({ examId: SPEC().examId, siteId: 'SITE-T' });
    expect(rooms.body.value.rooms.map((r) => r.roomId)).toEqual(['R1', 'R2', 'R3']);
    expect(rooms.body.value.rooms[0]?.sittings[0]).toMatchObject({
      sittingId: 'S-J-ECON',
      phase: 'scheduled',
      loggedIn: 0,
    });
    const keys = await api<RegisteredKeyView[]>(site, '/api/admin/keys');
    expect(keys.body.value.map((k) => k.role)).toEqual(['chief', 'proctor', 'proctor', 'proctor', 'proctor']);
  });

  it('says an empty site holds no exam, and refuses the check until the exam data is imported', async () => {
    expect((await api(empty, '/api/admin/rooms')).body.value).toMatchObject({
      site: { examId: null },
      rooms: [],
    });
    const check = await api(empty, '/api/admin/arrangement-check', {
      method: 'POST',
      body: { code: 'ARR1|x' },
    });
    expect(check.status).toBe(400);
    expect(check.body.error?.code).toBe(ERROR_CODES.NOT_READY);
  });
});

describe('the arrangement check', () => {
  it('judges a code against the imported room data and records each check on the audit chain', async () => {
    const match = await api<ArrangementCheckResult>(site, '/api/admin/arrangement-check', {
      method: 'POST',
      body: { code: arrangementCode(SPEC(), 'R2') },
    });
    expect(match.body.value).toMatchObject({ roomId: 'R2', match: true, reason: null });
    const spec = SPEC();
    const late = await api<ArrangementCheckResult>(site, '/api/admin/arrangement-check', {
      method: 'POST',
      body: { code: arrangementCode({ ...spec, arrangementTimestamp: '2021-10-01T00:00:00.000Z' }, 'R3') },
    });
    expect(late.body.value).toMatchObject({ roomId: 'R3', match: false, reason: 'timestamp-differs' });
    const overview = await api<ArrangementOverview>(site, '/api/admin/arrangement');
    const byRoom = Object.fromEntries(overview.body.value.rooms.map((r) => [r.roomId, r.lastCheck]));
    expect(byRoom.R1).toBeNull();
    expect(byRoom.R2).toMatchObject({ match: true });
    expect(byRoom.R3).toMatchObject({ match: false, reason: 'timestamp-differs' });
    const events = listAudit(site.server.ctx.db).filter((e) => e.action === 'arrangement.checked');
    expect(events.map((e) => [e.subject, e.actor_id])).toEqual([
      ['arrangement:R2', 'admin-token'],
      ['arrangement:R3', 'admin-token'],
    ]);
  });

  it('refuses a body that is not one code, changing nothing', async () => {
    const before = listAudit(site.server.ctx.db).length;
    for (const body of [{}, { code: '' }, { code: 'x'.repeat(401) }, { code: 'ARR1', extra: 1 }]) {
      const r = await api(site, '/api/admin/arrangement-check', { method: 'POST', body });
      expect(r.status).toBe(400);
      expect(r.body.error?.code).toBe(ERROR_CODES.INVALID_MESSAGE);
    }
    expect(listAudit(site.server.ctx.db).length).toBe(before);
  });
});

describe('the admin page', () => {
  it('is served at /admin/ with the strict CSP, its scripts from itself', async () => {
    const res = await siteFetch(`${site.url}/admin/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    const script = html.match(/src="\.\/(assets\/[^"]+\.js)"/)?.[1];
    expect(script).toBeTruthy();
    expect((await siteFetch(`${site.url}/admin/${script}`)).status).toBe(200);
    expect((await siteFetch(`${site.url}/admin`)).status).toBe(302);
  });

  it('serves nothing outside its build folder', async () => {
    for (const path of ['/admin/../../../package.json', '/admin/%2e%2e/%2e%2e/package.json', '/admin/x.db'])
      expect((await siteFetch(`${site.url}${path}`)).status, path).toBe(404);
  });
});
