import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { issueReceiverTlsCredential, signReceipt } from '@exam/centre';
import { toPkcs12 } from '@exam/crypto';
import type { Ack, EndResult, Receipt } from '@exam/protocol';
import { call, proctorSocket, startEmptyTestSite, startTestSite, type TestSite } from '@exam/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { runSiteAdmin } from './site-admin/run.js';

/**
 * `site-admin` (decision 0018) against a real site server over loopback HTTPS: the same
 * admin routes as the page, with the token from the data directory. Commands run in-process
 * (runSiteAdmin is the whole CLI but for process.exit); one run goes through the script itself.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MIN = 60_000;
const SITTING = 'S-J-ECON';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** What make-exam's `client/` holds: the centre root and the site id beside it. */
function clientDir(centreRootPem: string): string {
  const d = tmp('client-');
  writeFileSync(join(d, 'centre-root.pem'), centreRootPem);
  writeFileSync(join(d, 'site-id'), 'SITE-T\n');
  return join(d, 'centre-root.pem');
}

async function cli(
  target: { dataDir: string; url: string; ca: string; now?: () => Date },
  ...args: string[]
) {
  let out = '';
  let err = '';
  const code = await runSiteAdmin(
    ['--data-dir', target.dataDir, '--url', target.url, '--ca', target.ca, ...args],
    {
      out: (t) => {
        out += t;
      },
      err: (t) => {
        err += t;
      },
      env: { EXAM_PROCTOR_PIN: 'pin-1234' },
      ...(target.now ? { now: target.now } : {}),
    },
  );
  return { code, out, err };
}

async function site(): Promise<TestSite> {
  const s = await startTestSite({ rooms: 1, perRoom: 2 });
  cleanups.push(() => s.stop());
  return s;
}

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
    if (!ended.ok) throw new Error(ended.error.message);
  } finally {
    p.disconnect();
  }
}

describe('site-admin', () => {
  it('imports the exam data and the authorization into an empty site, and says what it holds', async () => {
    const s = await startEmptyTestSite({ rooms: 1, perRoom: 2 });
    cleanups.push(() => s.stop());
    const dir = tmp('packages-');
    writeFileSync(join(dir, 'exam-data.exampkg'), s.built.examData);
    writeFileSync(join(dir, 'authorization.exampkg'), s.built.authorization);
    const target = { dataDir: s.dataDir, url: s.url, ca: clientDir(s.pki.centre.certPem) };

    // Authorization before the exam data: refused, with the server's reason.
    const early = await cli(target, 'import-authorization', join(dir, 'authorization.exampkg'));
    expect(early.code).toBe(1);
    expect(early.err).toMatch(/^拒绝 REFUSED /);

    const exam = await cli(target, 'import-exam', join(dir, 'exam-data.exampkg'));
    expect(exam).toMatchObject({ code: 0, err: '' });
    expect(exam.out).toMatch(
      /已导入考试数据 exam data imported: .+\n {2}考点 site: .+\(SITE-T\)\n {2}批次 batches: \d+ {2}考场 rooms: 1 /,
    );
    const auth = await cli(target, 'import-authorization', join(dir, 'authorization.exampkg'));
    expect(auth.code).toBe(0);
    expect(auth.out).toMatch(/已导入授权 authorization imported: \d+ 个场次 sittings/);

    const status = await cli(target, '--json', 'status');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.out)).toMatchObject({
      examId: expect.any(String),
      candidates: expect.any(Number),
    });
  });

  it('refuses a server that is not the site’s, a missing token file, and wrong usage', async () => {
    const s = await site();
    const otherRoot = (await import('@exam/centre')).createExamPki('SITE-T').centre.certPem;
    const wrong = await cli({ dataDir: s.dataDir, url: s.url, ca: clientDir(otherRoot) }, 'status');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/certificate|self-signed|verify/i);
    const noToken = await cli(
      { dataDir: tmp('nodata-'), url: s.url, ca: clientDir(s.pki.centre.certPem) },
      'status',
    );
    expect(noToken.code).toBe(1);
    expect(noToken.err).toMatch(/admin-token/);
    const target = { dataDir: s.dataDir, url: s.url, ca: clientDir(s.pki.centre.certPem) };
    expect((await cli(target, 'media-export', SITTING)).code).toBe(2);
    expect((await cli(target, 'frobnicate')).code).toBe(2);
    expect((await cli({ ...target, url: s.url.replace('https', 'http') }, 'status')).code).toBe(2);
  });

  it('runs the day’s end: package, media export, receipt, the refused cleanup, the chief’s override, the cleanup', async () => {
    const s = await site();
    const target = {
      dataDir: s.dataDir,
      url: s.url,
      ca: clientDir(s.pki.centre.certPem),
      now: () => new Date(s.clock.now()),
    };
    await holdSitting(s);

    const status = await cli(target, 'status');
    expect(status.out).toContain(`场次 sitting ${SITTING}`);
    expect(status.out).toMatch(/最终答卷包 final package: .+answers-.+\.exampkg/);

    const pkg = await cli(target, 'answer-package', SITTING);
    expect(pkg.code).toBe(0);
    expect(pkg.out).toMatch(/已写出答卷包 answer package written \(最终 final\): .+\.exampkg/);
    const backups = await cli(target, 'backups');
    expect(backups.code).toBe(0);
    expect(backups.out).toContain(`考点服务器备份 site backup, 场次 sitting ${SITTING}:`);

    const usb = tmp('usb-');
    const exported = await cli(target, 'media-export', SITTING, usb);
    expect(exported.code).toBe(0);
    expect(exported.out).toMatch(/已写入介质 written to the media/);
    const manifestFile = readdirSync(usb).find((f) => f.endsWith('.manifest.json'))!;
    const m = JSON.parse(readFileSync(join(usb, manifestFile), 'utf8')) as Receipt & { sha256: string };
    const receiver = issueReceiverTlsCredential(s.pki.centre, {
      validFrom: new Date('2020-01-01T00:00:00Z'),
    });
    const receipt: Receipt = {
      receiptId: 'R-7',
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
    writeFileSync(join(usb, 'receipt.json'), JSON.stringify(signReceipt(receipt, receiver)));
    const imported = await cli(target, 'import-receipt', join(usb, 'receipt.json'));
    expect(imported).toMatchObject({ code: 0 });
    expect(imported.out).toContain('receipt verified, sitting confirmed: S-J-ECON (receipt R-7');
    const uploads = await cli(target, 'uploads');
    expect(uploads.out).toMatch(/场次 sitting S-J-ECON: receipt-verified .* 回执 receipt R-7 v1/);

    // R1's console never deposited its backup: the cleanup is refused, listing it.
    const refused = await cli(target, 'cleanup');
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^拒绝 REFUSED CHECKLIST_INCOMPLETE/);
    expect(refused.err).toMatch(/R1.*console backup/);
    expect(readdirSync(s.dataDir)).toContain('site.db');

    const checklist = await cli(target, '--json', 'checklist');
    const checklistFile = join(tmp('chief-'), 'status.json');
    writeFileSync(checklistFile, checklist.out);
    const keys = tmp('keys-');
    for (const [name, k] of [
      ['chief.p12', s.pki.chief],
      ['proctor-R1.p12', s.pki.proctors.get('R1')!],
    ] as const) {
      writeFileSync(join(keys, name), toPkcs12({ ...k, chainPem: [s.pki.centre.certPem], pin: 'pin-1234' }));
    }
    const sign = (key: string) =>
      cli(
        target,
        'sign-override',
        '--key',
        join(keys, key),
        '--missing-from',
        checklistFile,
        '--reason',
        '监考机硬盘损坏，备份无法交存 The console’s disk failed',
        '--out',
        join(keys, 'override.json'),
      );

    const byProctor = await sign('proctor-R1.p12');
    expect(byProctor.code).toBe(1);
    expect(byProctor.err).toMatch(/chief examiner/);
    const byChief = await sign('chief.p12');
    expect(byChief).toMatchObject({ code: 0 });
    expect(byChief.out).toMatch(/override signed for \d+ missing item/);

    const cleaned = await cli(target, 'cleanup', '--override', join(keys, 'override.json'));
    expect(cleaned.err).toBe('');
    expect(cleaned.code).toBe(0);
    expect(cleaned.out).toMatch(/^已清理 cleaned up at /);
    expect(cleaned.out).toContain('已删除 removed: site.db');
    expect(cleaned.out).toMatch(/overridden by the chief examiner 主考/);
    expect(readdirSync(s.dataDir).sort()).toEqual([
      'admin-token',
      expect.stringMatching(/^cleanup-report-.+\.json$/),
      expect.stringMatching(/^final-audit-.+\.json$/),
    ]);
    // The server now answers NOT_READY to everything.
    const after = await cli(target, 'status');
    expect(after.code).toBe(1);
    expect(after.err).toMatch(/NOT_READY: 已清理/);
  });

  it('runs as the package script, with the token from the data directory', async () => {
    const s = await site();
    const ca = clientDir(s.pki.centre.certPem);
    // Asynchronously: the server runs in this process and must answer while the child waits.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/site-admin.ts',
        '--data-dir',
        s.dataDir,
        '--url',
        s.url,
        '--ca',
        ca,
        'checklist',
      ],
      {
        cwd: ROOT,
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const r = { stdout, stderr, status };
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('考点 site: SITE-T');
    expect(r.stdout).toContain('可以清理 nothing is missing');
  }, 180_000);
});
