import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueReceiverTlsCredential, signReceipt } from '@exam/centre';
import { sign } from '@exam/crypto';
import {
  type Ack,
  type CleanupChecklist,
  type CleanupOverride,
  type CleanupReport,
  cleanupOverrideBytes,
  type EndResult,
  type Receipt,
} from '@exam/protocol';
import {
  type ChildSite,
  call,
  connected,
  killHard,
  proctorSocket,
  rawSocket,
  siteFetch,
  spawnSiteServer,
  spawnSiteWithExam,
  startTestSite,
  type TestSite,
} from '@exam/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { backupsStatus } from '../backups/backupStatus.js';
import { markBackupVerified, startBackup } from '../backups/backupsTable.js';
import type { MediaManifest } from '../uploads/media.js';
import type { FinalAuditExport } from './finalAuditExport.js';
import { verifyFinalAuditExport } from './verifyFinalAudit.js';

/**
 * The guarded cleanup (issue 18, point 4; decision 0018) on a real site server: the junior
 * sitting is held in room R1 and ended, its final package goes out on media and comes back
 * with a receipt, the site backs itself up after the sitting, and R1's console backup is
 * recorded as deposited (the deposit itself is the backups' own test).
 */
const MIN = 60_000;
const SITTING = 'S-J-ECON';
const sites: TestSite[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of sites.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function site(): Promise<TestSite> {
  const s = await startTestSite({ rooms: 1, perRoom: 2 });
  sites.push(s);
  return s;
}

async function admin<T>(s: TestSite, method: string, path: string, body?: unknown) {
  const res = await siteFetch(`${s.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${s.server.adminToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Ack<T> };
}

const checklist = async (s: TestSite) => {
  const r = await admin<CleanupChecklist>(s, 'GET', '/api/admin/cleanup');
  if (!r.body.ok) throw new Error(r.body.error.message);
  return r.body.value;
};

/** R1 runs the junior sitting to its end (everyone absent): a final package is written. */
async function holdSitting(s: TestSite): Promise<void> {
  const p = await proctorSocket(s, 'R1');
  try {
    await call(p, 'login:open', { sittingId: SITTING });
    s.clock.set(s.juniorStart);
    const started = await call<Ack<unknown>>(p, 'sitting:start', { sittingId: SITTING });
    if (!started.ok) throw new Error(started.error.message);
    s.clock.advance(150 * MIN);
    await s.server.tick();
    const ended = await call<Ack<EndResult>>(p, 'sitting:end', { sittingId: SITTING });
    if (!ended.ok || !ended.value.answerPackage) throw new Error('the sitting did not end with a package');
  } finally {
    p.disconnect();
  }
}

/** The package goes to a USB folder; the centre's receipt file for it comes back and is imported. */
async function receiptByMedia(s: TestSite): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'usb-'));
  dirs.push(folder);
  const exported = await admin<{ manifestPath: string }>(s, 'POST', `/api/admin/uploads/${SITTING}/media`, {
    folder,
  });
  if (!exported.body.ok) throw new Error(exported.body.error.message);
  const m = JSON.parse(readFileSync(exported.body.value.manifestPath, 'utf8')) as MediaManifest;
  const receiver = issueReceiverTlsCredential(s.pki.centre, { validFrom: new Date('2020-01-01T00:00:00Z') });
  const receipt: Receipt = {
    receiptId: 'R-1',
    examId: m.examId,
    siteId: m.siteId,
    sittingId: SITTING,
    packageSha256: m.sha256,
    size: m.size,
    counts: { candidates: 2, handedIn: 0, changes: 0 },
    final: true,
    version: 1,
    flagged: false,
    receivedAt: new Date(s.clock.now()).toISOString(),
  };
  const imported = await admin(s, 'POST', '/api/admin/uploads/receipt', signReceipt(receipt, receiver));
  if (!imported.body.ok) throw new Error(imported.body.error.message);
}

async function siteBackupVerified(s: TestSite): Promise<void> {
  await expect
    .poll(() => backupsStatus(s.server.ctx).sittings.find((x) => x.sittingId === SITTING)?.state, {
      timeout: 60_000,
    })
    .toBe('verified');
}

/** Room R1's console backup of the day, as a deposit records it. */
function consoleBackupDeposited(s: TestSite): void {
  const { db } = s.server.ctx;
  const room = backupsStatus(s.server.ctx).rooms.find((r) => r.roomId === 'R1')!;
  const at = s.clock.now();
  const id = startBackup(db, {
    kind: 'console',
    sittingId: null,
    roomId: 'R1',
    day: room.day,
    path: 'backups/console-R1.exambak',
    at,
  });
  markBackupVerified(db, id, {
    sha256: 'a'.repeat(64),
    size: 1000,
    madeAt: at,
    at,
    depositedBy: 'proctor:R1',
  });
}

function override(
  s: TestSite,
  missing: string[],
  opts: { key?: { certPem: string; privateKeyPem: string }; siteId?: string; reason?: string } = {},
): CleanupOverride {
  const key = opts.key ?? s.pki.chief;
  const statement = {
    action: 'cleanup-override' as const,
    siteId: opts.siteId ?? 'SITE-T',
    missing,
    reason: opts.reason ?? 'The uplink is down for a week; the city holds the media export.',
    at: new Date(s.clock.now()).toISOString(),
  };
  return {
    statement,
    certPem: key.certPem,
    signature: sign(cleanupOverrideBytes(statement), key.privateKeyPem).toString('base64'),
  };
}

function expectNothingRemoved(s: TestSite) {
  expect(readdirSync(s.dataDir)).toContain('site.db');
  expect(readdirSync(s.dataDir).filter((f) => f.startsWith('final-audit-'))).toEqual([]);
}

describe('the cleanup’s guard', () => {
  it('refuses with one sitting without a receipt, listing it, and removes nothing', async () => {
    const s = await site();
    await holdSitting(s);
    await siteBackupVerified(s);
    consoleBackupDeposited(s);
    const before = await checklist(s);
    expect(before.missing).toEqual([expect.stringContaining(`Sitting ${SITTING}`)]);
    expect(before.sittings.find((x) => x.sittingId === SITTING)).toMatchObject({
      held: true,
      receiptVerified: false,
    });

    const r = await admin(s, 'POST', '/api/admin/cleanup', {});
    expect(r).toMatchObject({
      status: 400,
      body: { ok: false, error: { code: 'CHECKLIST_INCOMPLETE', details: { missing: before.missing } } },
    });
    expectNothingRemoved(s);
    expect((await admin(s, 'GET', '/api/admin/status')).status).toBe(200);
  });

  it('refuses with one console backup missing', async () => {
    const s = await site();
    await holdSitting(s);
    await siteBackupVerified(s);
    await receiptByMedia(s);
    const c = await checklist(s);
    expect(c.sittings.find((x) => x.sittingId === SITTING)).toMatchObject({
      receiptVerified: true,
      via: 'media',
    });
    expect(c.missing).toEqual([expect.stringMatching(/R1.*console backup/)]);
    const r = await admin(s, 'POST', '/api/admin/cleanup', {});
    expect(r).toMatchObject({ status: 400, body: { ok: false, error: { code: 'CHECKLIST_INCOMPLETE' } } });
    expectNothingRemoved(s);
  });

  it('takes no override signed by a proctor key, for another list, or for another site', async () => {
    const s = await site();
    await holdSitting(s);
    await siteBackupVerified(s);
    const { missing } = await checklist(s);
    expect(missing).toHaveLength(2); // the receipt and R1's console backup

    const refusals: [string, CleanupOverride, RegExp][] = [
      ['a proctor key', override(s, missing, { key: s.pki.proctors.get('R1')! }), /chief examiner/],
      ['an unregistered key', override(s, missing, { key: s.pki.unregistered }), /chief examiner/],
      ['another list', override(s, missing.slice(0, 1)), /another list/],
      ['another site', override(s, missing, { siteId: 'SITE-X' }), /SITE-X/],
      [
        'altered after signing',
        {
          ...override(s, missing),
          statement: { ...override(s, missing).statement, reason: 'Something else entirely.' },
        },
        /signature/,
      ],
    ];
    for (const [why, o, message] of refusals) {
      const r = await admin(s, 'POST', '/api/admin/cleanup', { override: o });
      expect(r.status, why).toBe(400);
      expect(r.body, why).toMatchObject({ ok: false, error: { code: 'CONSENT_REFUSED', message } });
    }
    // An override signed before something else went missing names a stale list.
    const stale = override(s, missing);
    consoleBackupDeposited(s);
    expect((await admin(s, 'POST', '/api/admin/cleanup', { override: stale })).body).toMatchObject({
      ok: false,
      error: { code: 'CONSENT_REFUSED' },
    });
    expectNothingRemoved(s);
  });
});

describe('the cleanup', () => {
  it('removes the exam data once everything is confirmed, keeping the token, a verifiable final audit export and the report', async () => {
    const s = await site();
    await holdSitting(s);
    await siteBackupVerified(s);
    await receiptByMedia(s);
    consoleBackupDeposited(s);
    expect((await checklist(s)).missing).toEqual([]);
    expect(readdirSync(s.dataDir)).toEqual(expect.arrayContaining(['site.db', 'exports', 'backups']));

    const r = await admin<CleanupReport>(s, 'POST', '/api/admin/cleanup', {});
    expect(r.status).toBe(200);
    if (!r.body.ok) throw new Error(r.body.error.message);
    const report = r.body.value;
    expect(report.removed.map((x) => x.path)).toEqual(
      expect.arrayContaining(['site.db', 'exports', 'backups']),
    );
    expect(report.removed.find((x) => x.path === 'site.db')!.bytes).toBeGreaterThan(0);
    expect(report.receipts).toEqual([
      { sittingId: SITTING, receiptId: 'R-1', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    expect(report.override).toBeNull();

    // What is left: the CLI's token and the cleanup's own two files; no database, no package, no paper.
    expect(readdirSync(s.dataDir).sort()).toEqual(
      ['admin-token', report.finalAuditExport, report.reportFile].sort(),
    );
    const exported = JSON.parse(
      readFileSync(join(s.dataDir, report.finalAuditExport), 'utf8'),
    ) as FinalAuditExport;
    expect(verifyFinalAuditExport(exported, s.pki.centre.certPem)).toEqual({ ok: true });
    expect(exported.events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['answers.receipt-verified', 'site-cleanup']),
    );
    expect(exported.events.at(-1)).toMatchObject({ action: 'site-cleanup', actorRole: 'site-admin' });
    // Altered after the fact, it no longer verifies.
    const altered = { ...exported, events: exported.events.slice(1) };
    expect(verifyFinalAuditExport(altered, s.pki.centre.certPem).ok).toBe(false);
    const onDisk = JSON.parse(readFileSync(join(s.dataDir, report.reportFile), 'utf8')) as {
      signedReceipts: unknown[];
    };
    expect(onDisk.signedReceipts).toHaveLength(1);

    // The server answers every route with NOT_READY ("已清理") until it is restarted.
    for (const path of ['/api/admin/status', '/api/health', '/api/admin/cleanup']) {
      expect(await admin(s, 'GET', path)).toMatchObject({
        status: 409,
        body: { ok: false, error: { code: 'NOT_READY', message: expect.stringContaining('已清理') } },
      });
    }
    // And no machine or console gets a socket to a database that is gone.
    const socket = rawSocket(s.url, 'candidate');
    await expect(connected(socket)).rejects.toThrow();
    socket.close();
  });

  it('goes ahead on a chief examiner’s override of exactly the missing list, recorded in the final audit export', async () => {
    const s = await site();
    await holdSitting(s);
    await siteBackupVerified(s);
    const { missing } = await checklist(s);
    const r = await admin<CleanupReport>(s, 'POST', '/api/admin/cleanup', { override: override(s, missing) });
    if (!r.body.ok) throw new Error(r.body.error.message);
    expect(r.body.value.override).toEqual({
      holder: '主考',
      fingerprint: expect.any(String),
      missing,
      reason: expect.stringContaining('uplink'),
    });
    expect(readdirSync(s.dataDir)).not.toContain('site.db');
    const exported = JSON.parse(
      readFileSync(join(s.dataDir, r.body.value.finalAuditExport), 'utf8'),
    ) as FinalAuditExport;
    expect(verifyFinalAuditExport(exported, s.pki.centre.certPem)).toEqual({ ok: true });
    expect(exported.override).toMatchObject({ holder: '主考', statement: { missing } });
    expect(exported.events.find((e) => e.action === 'cleanup-override')).toMatchObject({
      actorRole: 'chief',
      data: { statement: { missing } },
    });
  });
});

describe('the site server process after a cleanup', () => {
  it('exits once the reply is sent, and starts again as an empty site with a new initial password', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'site-cleanup-child-'));
    dirs.push(dir);
    const children: ChildSite[] = [];
    try {
      // Nothing was held: the guard has nothing to wait for.
      const { site: child } = await spawnSiteWithExam(dir, 2);
      children.push(child);
      const dataDir = join(dir, 'data');
      const firstPassword = readFileSync(join(dataDir, 'admin-initial-password'), 'utf8');
      const exited = new Promise<number | null>((resolve) => child.child.once('exit', resolve));
      const res = await siteFetch(`${child.url}/api/admin/cleanup`, {
        method: 'POST',
        headers: { authorization: `Bearer ${child.adminToken}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(200);
      expect(await exited).toBe(0);
      expect(readdirSync(dataDir)).not.toContain('site.db');

      const again = await spawnSiteServer(dataDir, join(dir, 'identity'));
      children.push(again);
      expect(again.adminToken).toBe(child.adminToken);
      const health = (await (await siteFetch(`${again.url}/api/health`)).json()) as { examId: string | null };
      expect(health.examId).toBeNull();
      expect(readFileSync(join(dataDir, 'admin-initial-password'), 'utf8')).not.toBe(firstPassword);
    } finally {
      for (const c of children) await killHard(c);
    }
  });
});
