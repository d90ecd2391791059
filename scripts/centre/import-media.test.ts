import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyReceipt } from '@exam/centre';
import {
  loadReceiverIdentity,
  openPackageImporter,
  type PackageImporter,
  parseReceiverExamManifest,
} from '@exam/centre-server';
import {
  answerPackageBytes,
  type PostgresCluster,
  startPostgresCluster,
  TEST_CENTRE_PIN,
  writeCentreDir,
} from '@exam/centre-server/testing';
import { sha256Hex } from '@exam/crypto';
import type { Ack, EndResult, SignedReceipt } from '@exam/protocol';
import type { UploadsStatus } from '@exam/site-server';
import { call, proctorSocket, siteFetch, startTestSite, type TestSite } from '@exam/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importMediaFolders, receiptFileName } from './import-media-folders.js';

/**
 * Issue 18, the city's media import: a real site ends a sitting and exports its package to a
 * "USB stick" folder; the real `import-media` command accepts it into the receiver's store
 * (SQLite, then a throwaway PostgreSQL) and writes the receipt file; the site imports that
 * file and the sitting is confirmed. Every refusal leaves the store and the folder as they were.
 */
const MIN = 60_000;
const SITTING = 'S-J-ECON';
const EXAM_ID = 'EXAM-TEST';
const TSX = createRequire(import.meta.url).resolve('tsx');
const CLI = new URL('./import-media.ts', import.meta.url).pathname;

let cluster: PostgresCluster | null = null;
afterAll(async () => {
  await cluster?.stop();
});

async function endSitting(site: TestSite): Promise<string> {
  const p = await proctorSocket(site, 'R1');
  try {
    site.clock.set(site.juniorStart - 20 * MIN);
    await call(p, 'login:open', { sittingId: SITTING });
    site.clock.set(site.juniorStart);
    const started = await call<Ack<unknown>>(p, 'sitting:start', { sittingId: SITTING });
    if (!started.ok) throw new Error(started.error.message);
    site.clock.advance(100 * MIN);
    await site.server.tick();
    const ended = await call<Ack<EndResult>>(p, 'sitting:end', { sittingId: SITTING });
    if (!ended.ok || !ended.value.answerPackage) throw new Error('the sitting did not end with a package');
    return ended.value.answerPackage;
  } finally {
    p.disconnect();
  }
}

async function admin<T>(site: TestSite, path: string, body?: unknown) {
  const res = await siteFetch(`${site.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${site.server.adminToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Ack<T> };
}

describe.each(['sqlite', 'postgres'] as const)('import-media into the receiver on %s', (backend) => {
  let site: TestSite;
  let root: string;
  let stick: string;
  let dataDir: string;
  let centreDir: string;
  let examFile: string;
  let databaseUrl: string | undefined;
  let packageBytes: Buffer;
  let manifestName: string;

  beforeAll(async () => {
    site = await startTestSite({ rooms: 1, perRoom: 6 });
    root = mkdtempSync(join(tmpdir(), `import-media-${backend}-`));
    stick = join(root, 'usb-stick');
    dataDir = join(root, 'receiver');
    centreDir = join(root, 'centre');
    examFile = writeCentreDir(centreDir, site.pki.centre, {
      examId: EXAM_ID,
      sites: [{ siteId: 'SITE-T', sittingIds: [SITTING, 'S-J-PRAC', 'S-SENIOR'] }],
    });
    if (backend === 'postgres') {
      cluster ??= await startPostgresCluster();
      databaseUrl = await cluster.createDatabase('import_media');
    }
    packageBytes = readFileSync(await endSitting(site));
    const exported = await admin<{ manifestPath: string }>(site, `/api/admin/uploads/${SITTING}/media`, {
      folder: stick,
    });
    if (!exported.body.ok) throw new Error(exported.body.error.message);
    manifestName = exported.body.value.manifestPath.slice(stick.length + 1);
  }, 120_000);

  afterAll(async () => {
    await site?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const runCli = (...folders: string[]) =>
    spawnSync(
      process.execPath,
      [
        '--import',
        TSX,
        CLI,
        '--data-dir',
        dataDir,
        '--identity-dir',
        centreDir,
        '--exam',
        examFile,
        ...(databaseUrl ? ['--database-url', databaseUrl] : []),
        ...folders,
      ],
      { env: { ...process.env, EXAM_CENTRE_PIN: TEST_CENTRE_PIN }, encoding: 'utf8', timeout: 60_000 },
    );

  /** The importer as the command opens it, in this process: for the refusals. */
  async function withImporter<T>(work: (i: PackageImporter) => Promise<T>): Promise<T> {
    const identity = loadReceiverIdentity(centreDir, TEST_CENTRE_PIN);
    const importer = await openPackageImporter({
      tls: identity.tls,
      centre: identity.centre,
      exams: [parseReceiverExamManifest(readFileSync(examFile, 'utf8'))],
      dataDir,
      ...(databaseUrl ? { databaseUrl } : {}),
    });
    expect(importer.store).toBe(backend);
    try {
      return await work(importer);
    } finally {
      await importer.close();
    }
  }

  const keptPackages = () => readdirSync(join(dataDir, 'packages'));
  const receiptPath = () => join(stick, receiptFileName(SITTING, sha256Hex(packageBytes)));

  /** A copy of the stick's folder with the manifest and/or the package changed. */
  function alteredStick(name: string, change: (m: Record<string, unknown>, pkg: Buffer) => Buffer) {
    const folder = join(root, name);
    cpSync(stick, folder, { recursive: true, filter: (f) => !f.includes('receipt-') });
    const manifest = JSON.parse(readFileSync(join(folder, manifestName), 'utf8')) as Record<string, unknown>;
    const pkgPath = join(folder, manifest.file as string);
    writeFileSync(pkgPath, change(manifest, readFileSync(pkgPath)));
    writeFileSync(join(folder, manifestName), JSON.stringify(manifest));
    return folder;
  }

  it('accepts the stick’s package, writes the signed receipt beside it, and the site takes that file', async () => {
    const first = runCli(stick);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(`已接收 received ${SITTING}`);
    const receiptText = readFileSync(receiptPath(), 'utf8');
    const signed = JSON.parse(receiptText) as SignedReceipt;
    expect(
      verifyReceipt(signed, {
        centreRootPem: site.pki.centre.certPem,
        expectedSiteId: 'SITE-T',
        expectedSittingId: SITTING,
        expectedSha256: sha256Hex(packageBytes),
      }),
    ).toMatchObject({ examId: EXAM_ID, version: 1, flagged: false, size: packageBytes.length, final: true });
    expect(keptPackages()).toHaveLength(1);

    // The same stick again (a second clerk, a retry): the same receipt, nothing stored twice.
    const second = runCli(stick);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('already received');
    expect(readFileSync(receiptPath(), 'utf8')).toBe(receiptText);
    expect(keptPackages()).toHaveLength(1);

    // Back at the site: the receipt file confirms the sitting, as a network upload would.
    const before = await admin<UploadsStatus>(site, '/api/admin/uploads');
    expect(before.body).toMatchObject({
      ok: true,
      value: { sittings: [{ sittingId: SITTING, state: 'queued' }] },
    });
    expect(await admin(site, '/api/admin/uploads/receipt', signed)).toMatchObject({
      status: 200,
      body: { ok: true, value: { sittingId: SITTING, packageSha256: sha256Hex(packageBytes) } },
    });
    expect((await admin<UploadsStatus>(site, '/api/admin/uploads')).body).toMatchObject({
      ok: true,
      value: { sittings: [{ sittingId: SITTING, state: 'receipt-verified', receipt: { version: 1 } }] },
    });
  }, 120_000);

  it('refuses a package altered on the stick, whether or not its manifest was changed to match', async () => {
    // Bytes changed, manifest as exported: caught before the store is touched.
    const flipped = alteredStick('flipped', (_m, pkg) => {
      const copy = Buffer.from(pkg);
      copy[copy.length - 100] = (copy[copy.length - 100] ?? 0) ^ 0xff;
      return copy;
    });
    // Bytes changed and the manifest's hash fixed up: the receiver's own verification refuses.
    const forged = alteredStick('forged', (m, pkg) => {
      const copy = Buffer.from(pkg);
      copy[copy.length - 100] = (copy[copy.length - 100] ?? 0) ^ 0xff;
      m.sha256 = sha256Hex(copy);
      return copy;
    });
    const cli = runCli(flipped, forged);
    expect(cli.status).toBe(1);
    expect(cli.stdout).toContain('MANIFEST_MISMATCH');
    expect(cli.stdout).toContain('BAD_PACKAGE');
    for (const folder of [flipped, forged]) {
      expect(readdirSync(folder).filter((f) => f.startsWith('receipt-'))).toEqual([]);
    }
    expect(keptPackages()).toHaveLength(1);
    expect(readdirSync(join(dataDir, 'partial'))).toEqual([]);
  }, 120_000);

  it('refuses a manifest that does not match its package: size, sitting, site, or no manifest at all', async () => {
    const folders = {
      size: alteredStick('size', (m, pkg) => {
        m.size = (m.size as number) + 1;
        return pkg;
      }),
      sitting: alteredStick('sitting', (m, pkg) => {
        m.sittingId = 'S-SENIOR';
        return pkg;
      }),
      site: alteredStick('site', (m, pkg) => {
        m.siteId = 'SITE-X';
        return pkg;
      }),
      format: alteredStick('format', (m, pkg) => {
        m.file = '../etc/passwd';
        return pkg;
      }),
    };
    const empty = mkdtempSync(join(root, 'empty-'));
    const results = await withImporter((i) => importMediaFolders(i, [...Object.values(folders), empty]));
    expect(results.map((r) => (r.ok ? 'ok' : r.code))).toEqual([
      'MANIFEST_MISMATCH',
      'MANIFEST_MISMATCH',
      'MANIFEST_MISMATCH',
      'BAD_MANIFEST',
      'NO_MANIFEST',
    ]);
    expect(keptPackages()).toHaveLength(1);
  }, 120_000);

  it('keeps a different package of a sitting already received as version 2, flagged', async () => {
    // Another package of the same sitting, signed by the same site key (a site re-ran its export).
    const bytes = answerPackageBytes(site.pki.site, site.pki.centre, {
      examId: EXAM_ID,
      siteId: 'SITE-T',
      sittingId: SITTING,
      candidates: 3,
      exportedAt: 99,
    });
    const folder = join(root, 'second-stick');
    cpSync(stick, folder, { recursive: true, filter: (f) => !f.includes('receipt-') });
    const manifest = JSON.parse(readFileSync(join(folder, manifestName), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(folder, manifest.file as string), bytes);
    writeFileSync(
      join(folder, manifestName),
      JSON.stringify({ ...manifest, sha256: sha256Hex(bytes), size: bytes.length }),
    );
    const [result] = await withImporter((i) => importMediaFolders(i, [folder]));
    expect(result).toMatchObject({ ok: true, sittingId: SITTING, alreadyReceived: false });
    if (!result?.ok) throw new Error('refused');
    expect(result.receipt.receipt).toMatchObject({
      version: 2,
      flagged: true,
      packageSha256: sha256Hex(bytes),
    });
    expect(result.receiptPath).toBe(join(folder, receiptFileName(SITTING, sha256Hex(bytes))));
    expect(keptPackages()).toHaveLength(2);
  }, 120_000);
});
