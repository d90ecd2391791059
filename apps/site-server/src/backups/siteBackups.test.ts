import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decryptPackageV2, verifyHashChain, verifyPackageV2, writePackageV2 } from '@exam/crypto';
import { type Ack, auditLinkPayload, type EndResult } from '@exam/protocol';
import {
  call,
  proctorSocket,
  SimulatedCandidate,
  siteFetch,
  startTestSite,
  type TestSite,
} from '@exam/testkit';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listAudit } from '../audit/auditTable.js';
import type { BackupChecklist } from './backupChecklist.js';
import { backupChecklist } from './backupChecklist.js';
import type { BackupsStatus } from './backupStatus.js';
import { listBackups } from './backupsTable.js';

/**
 * The site's backups (issue 18, point 3): after every sitting's final package and on the
 * admin's demand, a consistent snapshot sealed for the province and the centre, verified from
 * the disk; failures recorded and retried; the console's deposit; the cleanup's checklist.
 */
const MIN = 60_000;
const SITTING = 'S-J-ECON';
const WAIT = { timeout: 30_000, interval: 50 };
const sites: TestSite[] = [];
const cleanups: (() => void)[] = [];

afterEach(async () => {
  for (const s of sites.splice(0)) await s.stop();
  for (const c of cleanups.splice(0)) c();
});

async function site(opts: Parameters<typeof startTestSite>[0] = {}): Promise<TestSite> {
  const s = await startTestSite({ rooms: 1, perRoom: 2, ...opts });
  sites.push(s);
  return s;
}

const admin = (s: TestSite) => ({ authorization: `Bearer ${s.server.adminToken}` });

async function status(s: TestSite) {
  const res = await siteFetch(`${s.url}/api/admin/backups`, { headers: admin(s) });
  const body = (await res.json()) as Ack<BackupsStatus & { checklist: BackupChecklist }>;
  if (!body.ok) throw new Error(body.error.message);
  return body.value;
}

async function backupNow(s: TestSite, body: unknown = {}, headers: Record<string, string> = admin(s)) {
  const res = await siteFetch(`${s.url}/api/admin/backups/site`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as Ack<{ path: string; sha256: string; size: number }>,
  };
}

/** Room R1 runs the junior sitting to its end; nobody logs in, so everyone is absent. */
async function runSittingToEnd(s: TestSite): Promise<void> {
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

/** What the province does: verify to the centre root, decrypt with its key, open the snapshot. */
function openAsProvince(s: TestSite, path: string) {
  const verified = verifyPackageV2(readFileSync(path), {
    expectedKind: 'site-backup',
    signer: 'certificate',
    trustedRootPem: s.pki.centre.certPem,
    allowedSignerRoles: ['site'],
    now: new Date(s.clock.now()),
  });
  const bytes = decryptPackageV2(verified, { kind: 'certificate', ...s.pki.province });
  const dir = mkdtempSync(join(tmpdir(), 'backup-open-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'site.db');
  writeFileSync(file, bytes);
  return { verified, db: new Database(file, { readonly: true }) };
}

describe('the site backup after a sitting', () => {
  it('is made, sealed for the province and verified once the sitting’s final package is written', async () => {
    const s = await site();
    await runSittingToEnd(s);
    const made = await vi.waitFor(async () => {
      const st = await status(s);
      const sitting = st.sittings.find((x) => x.sittingId === SITTING);
      expect(sitting?.state).toBe('verified');
      return sitting!.backup!;
    }, WAIT);
    expect(made.path).toMatch(/backups\/site-S-J-ECON-[\d-]+\.exambak$/);
    expect(made.size).toBe(readFileSync(made.path).length);
    // Only the sealed file stays: the plain snapshot is gone.
    expect(readdirSync(join(s.dataDir, 'backups'))).toEqual([made.path.split('/').at(-1)]);
    const { verified, db } = openAsProvince(s, made.path);
    try {
      expect(verified.manifest.meta).toMatchObject({ siteId: 'SITE-T', sittingId: SITTING });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('SELECT count(*) AS n FROM candidate_sittings').get()).toEqual({ n: 2 });
      const audit = db.prepare('SELECT * FROM audit_events ORDER BY seq').all() as {
        at: number;
        actor_role: string;
        actor_id: string;
        action: string;
        subject: string;
        data: string;
        prev_hash: string;
        hash: string;
      }[];
      const links = audit.map((a) => ({
        prevHash: a.prev_hash,
        hash: a.hash,
        payload: auditLinkPayload({
          at: a.at,
          actorRole: a.actor_role,
          actorId: a.actor_id,
          action: a.action,
          subject: a.subject,
          data: JSON.parse(a.data),
        }),
      }));
      expect(verifyHashChain(links)).toEqual({ ok: true });
      expect(audit.some((a) => a.action === 'answers.exported')).toBe(true);
    } finally {
      db.close();
    }
    // The centre can open it too; the site's own key cannot.
    const bytes = readFileSync(made.path);
    const v = verifyPackageV2(bytes, {
      expectedKind: 'site-backup',
      signer: 'certificate',
      trustedRootPem: s.pki.centre.certPem,
      allowedSignerRoles: ['site'],
      now: new Date(s.clock.now()),
    });
    expect(decryptPackageV2(v, { kind: 'certificate', ...s.pki.centre }).length).toBeGreaterThan(0);
    expect(() => decryptPackageV2(v, { kind: 'certificate', ...s.pki.site })).toThrow(/other recipients/);
    expect(listAudit(s.server.ctx.db).some((a) => a.action === 'backup.site.verified')).toBe(true);
  });

  it('is made on the admin’s demand, and refused without the admin’s credentials or for an unknown sitting', async () => {
    const s = await site();
    const made = await backupNow(s);
    expect(made.status).toBe(200);
    if (!made.body.ok) throw new Error(made.body.error.message);
    expect(made.body.value.path).toMatch(/site-on-demand-/);
    expect(existsSync(made.body.value.path)).toBe(true);
    expect((await status(s)).onDemand).toEqual([
      expect.objectContaining({ state: 'verified', sha256: made.body.value.sha256 }),
    ]);
    expect((await backupNow(s, {}, {})).status).toBe(401);
    const unknown = await backupNow(s, { sittingId: 'S-NONE' });
    expect(unknown).toMatchObject({ status: 400, body: { ok: false, error: { code: 'UNKNOWN_SITTING' } } });
    const bad = await backupNow(s, { sittingId: 7 });
    expect(bad).toMatchObject({ status: 400, body: { ok: false, error: { code: 'INVALID_MESSAGE' } } });
    expect(listBackups(s.server.ctx.db)).toHaveLength(1);
  });

  it('is a consistent snapshot while candidates keep saving answers', async () => {
    const s = await site();
    const p = await proctorSocket(s, 'R1');
    const machines = [await SimulatedCandidate.register(s, 1), await SimulatedCandidate.register(s, 2)];
    try {
      await call(p, 'login:open', { sittingId: SITTING });
      for (const m of machines) await m.login();
      s.clock.set(s.juniorStart);
      await call(p, 'sitting:start', { sittingId: SITTING });
      let saving = true;
      const savers = machines.map(async (m) => {
        let n = 0;
        while (saving) await m.save(SITTING, 'J-002', [`${'ABCD'[n++ % 4]}`]);
      });
      // Saves on the writer thread's own connection run all through these backups.
      const made: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await backupNow(s);
        if (!r.body.ok) throw new Error(r.body.error.message);
        made.push(r.body.value.path);
      }
      saving = false;
      await Promise.all(savers);
      for (const path of made) {
        const { db } = openAsProvince(s, path);
        try {
          expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
          // Each candidate's saves are acknowledged one after another: a consistent copy holds
          // an unbroken run 1..n of each one's sequence numbers.
          const runs = db
            .prepare(
              'SELECT ticket_no, count(*) AS n, min(seq) AS lo, max(seq) AS hi FROM answer_changes GROUP BY ticket_no',
            )
            .all() as { n: number; lo: number; hi: number }[];
          for (const r of runs) expect([r.lo, r.hi]).toEqual([1, r.n]);
        } finally {
          db.close();
        }
      }
    } finally {
      for (const m of machines) m.close();
      p.disconnect();
    }
  });

  it('records a failure, never blocks the sitting, and is made again once the cause is gone', async () => {
    const s = await site({ backups: { firstRetryMs: 50, maxRetryMs: 200 } });
    // The backups folder cannot be made: a file stands in its place.
    const blocker = join(s.dataDir, 'backups');
    writeFileSync(blocker, 'not a folder');
    await runSittingToEnd(s);
    const failed = await vi.waitFor(() => {
      const row = listBackups(s.server.ctx.db).find((b) => b.state === 'failed');
      expect(row).toBeDefined();
      return row!;
    }, WAIT);
    expect(failed.last_error).toMatch(/EEXIST|ENOTDIR|exists|not a directory/i);
    expect(listAudit(s.server.ctx.db).some((a) => a.action === 'backup.site.failed')).toBe(true);
    expect((await status(s)).checklist.items).toContainEqual(
      expect.objectContaining({ code: 'SITE_BACKUP_MISSING', sittingId: SITTING }),
    );
    rmSync(blocker);
    await vi.waitFor(async () => {
      const sitting = (await status(s)).sittings.find((x) => x.sittingId === SITTING);
      expect(sitting?.state).toBe('verified');
    }, WAIT);
  });
});

describe('a console backup deposited with the site', () => {
  type Deposit = { backupId: number; sha256: string; fileName: string };

  function consoleBackup(
    s: TestSite,
    o: { roomId?: string; signer?: { certPem: string; privateKeyPem: string }; recipients?: string[] } = {},
  ) {
    const signer = o.signer ?? s.pki.proctors.get('R1')!;
    return writePackageV2({
      kind: 'backup',
      payload: Buffer.from(JSON.stringify({ roomId: o.roomId ?? 'R1', changes: [] })),
      meta: { roomId: o.roomId ?? 'R1', changes: 0 },
      signer: { kind: 'certificate', certPem: signer.certPem, privateKeyPem: signer.privateKeyPem },
      recipients: (o.recipients ?? [s.pki.province.certPem, s.pki.centre.certPem]).map((certPem) => ({
        kind: 'certificate' as const,
        certPem,
      })),
      now: new Date(s.clock.now()),
    });
  }

  async function deposit(s: TestSite, bytes: Buffer, room = 'R1') {
    const p = await proctorSocket(s, room);
    try {
      return await call<Ack<Deposit>>(p, 'backup:deposit', { fileBase64: bytes.toString('base64') });
    } finally {
      p.disconnect();
    }
  }

  it('is verified, stored and counted as the room’s backup once the day’s last sitting ended', async () => {
    const s = await site();
    await runSittingToEnd(s);
    await vi.waitFor(async () => {
      expect((await status(s)).sittings.find((x) => x.sittingId === SITTING)?.state).toBe('verified');
    }, WAIT);
    const before = backupChecklist(s.server.ctx);
    expect(before.complete).toBe(false);
    expect(before.items).toEqual([expect.objectContaining({ code: 'CONSOLE_BACKUP_MISSING', roomId: 'R1' })]);
    expect(before.missing[0]).toMatch(/考场 R1 .*Room R1/);

    const bytes = consoleBackup(s);
    const r = await deposit(s, bytes);
    if (!r.ok) throw new Error(r.error.message);
    const stored = join(s.dataDir, 'backups', r.value.fileName);
    expect(readFileSync(stored).equals(bytes)).toBe(true);
    expect(r.value.sha256).toMatch(/^[0-9a-f]{64}$/);
    const room = (await status(s)).rooms.find((x) => x.roomId === 'R1');
    expect(room).toMatchObject({ state: 'verified', backup: { sha256: r.value.sha256 } });
    expect(backupChecklist(s.server.ctx)).toEqual({ complete: true, missing: [], items: [] });
    expect(listAudit(s.server.ctx.db).some((a) => a.action === 'backup.console.deposited')).toBe(true);
  });

  it('does not count a backup deposited before the room’s last sitting ended', async () => {
    const s = await site();
    const early = await deposit(s, consoleBackup(s));
    expect(early.ok).toBe(true);
    await runSittingToEnd(s);
    const room = (await status(s)).rooms.find((x) => x.roomId === 'R1');
    expect(room?.state).toBe('missing');
    expect(backupChecklist(s.server.ctx).items).toContainEqual(
      expect.objectContaining({ code: 'CONSOLE_BACKUP_MISSING', roomId: 'R1' }),
    );
  });

  it('lists a room whose sitting has not ended', async () => {
    const s = await site();
    const p = await proctorSocket(s, 'R1');
    await call(p, 'login:open', { sittingId: SITTING });
    s.clock.set(s.juniorStart);
    await call(p, 'sitting:start', { sittingId: SITTING });
    p.disconnect();
    expect(backupChecklist(s.server.ctx).items).toEqual([
      expect.objectContaining({ code: 'ROOM_NOT_ENDED', roomId: 'R1' }),
    ]);
  });

  it.each([
    [
      'another room’s proctor key',
      (s: TestSite) => consoleBackup(s, { signer: s.pki.proctors.get('R2')! }),
      /room R2, not of room R1/,
    ],
    [
      'an unregistered key',
      (s: TestSite) => consoleBackup(s, { signer: s.pki.unregistered }),
      /not registered/,
    ],
    [
      'a backup of another room',
      (s: TestSite) => consoleBackup(s, { roomId: 'R9' }),
      /of room R9, not of room R1/,
    ],
    [
      'a backup the province cannot open',
      (s: TestSite) => consoleBackup(s, { recipients: [s.pki.centre.certPem] }),
      /not sealed for the province/,
    ],
    [
      'a backup signed by the site key',
      (s: TestSite) => consoleBackup(s, { signer: s.pki.site }),
      /only proctor or chief/,
    ],
    [
      'an altered byte',
      (s: TestSite) => {
        const b = consoleBackup(s);
        b[b.length - 5] = (b[b.length - 5] ?? 0) ^ 1;
        return b;
      },
      /corrupt/,
    ],
    [
      'a truncated file',
      (s: TestSite) => consoleBackup(s).subarray(0, 400),
      /truncated|cannot be read|too short/i,
    ],
  ])('refuses %s and keeps nothing', async (_name, make, message) => {
    const s = await site();
    const r = await deposit(s, make(s));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(message);
    expect(listBackups(s.server.ctx.db)).toEqual([]);
    expect(existsSync(join(s.dataDir, 'backups')) ? readdirSync(join(s.dataDir, 'backups')) : []).toEqual([]);
  });

  it('tells the console whom to seal for: the province and the centre root', async () => {
    const s = await site();
    const p = await proctorSocket(s, 'R1');
    try {
      const r = await call<Ack<{ provinceId: string; provinceCertPem: string; centreCertPem: string }>>(
        p,
        'backup:recipients',
        {},
      );
      expect(r).toEqual({
        ok: true,
        value: {
          provinceId: 'PROVINCE',
          provinceCertPem: s.pki.province.certPem,
          centreCertPem: s.pki.centre.certPem,
        },
      });
    } finally {
      p.disconnect();
    }
  });
});
