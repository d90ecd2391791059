import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { issueReceiverTlsCredential, verifyReceipt } from '@exam/centre';
import { openPackageImporter, type RunningReceiver, startReceiver } from '@exam/centre-server';
import {
  type PostgresCluster,
  call as receiverCall,
  startPostgresCluster,
} from '@exam/centre-server/testing';
import { sha256Hex, toPkcs12, writePackageV2 } from '@exam/crypto';
import { UPLOAD_RULES } from '@exam/domain';
import type { Ack, EndResult, ExamReceiptStatus, SignedReceipt } from '@exam/protocol';
import type { UploadsStatus } from '@exam/site-server';
import {
  call,
  NetworkLink,
  proctorSocket,
  siteFetch,
  startTestSite,
  type TestSite,
  testPki,
} from '@exam/testkit';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importMediaFolders } from '../centre/import-media-folders.js';

/**
 * Issue 18's exam day after each sitting, end to end on both of the receiver's stores: a real
 * site server (testkit's small exam) uploads each sitting's final package over mutual TLS to
 * a real receiver through a loopback link the test cuts. The first sitting's link drops
 * mid-upload and the upload resumes from the receiver's offset; the second sitting's uplink
 * is down, so the admin exports it to media, the city's import-media accepts it into the
 * receiver's store and the site imports the receipt file. Every sitting ends received, with
 * a receipt the site verified. Then the backups (the site's after each sitting, the console's
 * after the day's last) are checked by the province's check-backup command, and the guarded
 * cleanup, refused while a receipt or a backup is missing, runs and leaves no exam data.
 */
const MIN = 60_000;
const EXAM_ID = 'EXAM-TEST';
const JUNIOR = 'S-J-ECON';
/** The afternoon's sitting, six hours after the junior one, on seats of its own. */
const SENIOR = 'S-SENIOR';
/** Small chunks, so a package of a few dozen KiB takes many requests and can be cut midway. */
const CHUNK = 2048;
const TSX = createRequire(import.meta.url).resolve('tsx');
const CHECK_BACKUP = new URL('../province/check-backup.ts', import.meta.url).pathname;
const PROVINCE_PIN = '246810';
const VALIDITY = { validFrom: new Date('2020-01-01T00:00:00Z'), validDays: 3650 * 2 };

/** What the test reads of `GET /api/admin/backups`. */
interface BackupsStatus {
  sittings: { sittingId: string; state: string; backup: { path: string } | null }[];
  rooms: { roomId: string; state: string; backup: { path: string } | null }[];
}

type LogLine = Record<string, unknown> & { msg: string };
function capturingLogger() {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

let cluster: PostgresCluster | null = null;
afterAll(async () => {
  await cluster?.stop();
});

describe.each(['sqlite', 'postgres'] as const)('the exam day’s uploads to a receiver on %s', (backend) => {
  const pki = testPki();
  const receiverTls = issueReceiverTlsCredential(pki.centre, VALIDITY);
  const exams = [{ examId: EXAM_ID, sites: [{ siteId: 'SITE-T', sittingIds: [JUNIOR, SENIOR] }] }];
  let receiverDir: string;
  let databaseUrl: string | undefined;
  let receiver: RunningReceiver;
  let receiverLog: LogLine[];
  let link: NetworkLink;
  let site: TestSite;
  let stick: string;
  let juniorPackage: string;

  beforeAll(async () => {
    receiverDir = mkdtempSync(join(tmpdir(), `exam-day-receiver-${backend}-`));
    stick = mkdtempSync(join(tmpdir(), 'exam-day-stick-'));
    if (backend === 'postgres') {
      cluster ??= await startPostgresCluster();
      databaseUrl = await cluster.createDatabase('exam_day');
    }
    const r = capturingLogger();
    receiverLog = r.lines;
    receiver = await startReceiver({
      tls: receiverTls,
      centre: pki.centre,
      exams,
      dataDir: receiverDir,
      ...(databaseUrl ? { databaseUrl } : {}),
      logger: r.logger,
    });
    expect(receiver.store).toBe(backend);
    link = await NetworkLink.create(receiver.url);
    site = await startTestSite({
      rooms: 1,
      perRoom: 30,
      seniorPerRoom: 4,
      upload: { receiverUrl: link.url, chunkBytes: CHUNK, firstRetryMs: 50, maxRetryMs: 200 },
    });
  }, 120_000);

  afterAll(async () => {
    await site?.stop();
    await link?.close();
    await receiver?.close();
    rmSync(receiverDir, { recursive: true, force: true });
    rmSync(stick, { recursive: true, force: true });
  });

  /** Room R1 runs a sitting to its end command; nobody logs in, so everyone is absent. */
  async function endSitting(sittingId: string): Promise<string> {
    const start = site.juniorStart + (sittingId === SENIOR ? 360 * MIN : 0);
    const p = await proctorSocket(site, 'R1');
    try {
      site.clock.set(Math.max(site.clock.now(), start - 20 * MIN));
      await call(p, 'login:open', { sittingId });
      site.clock.set(start);
      const started = await call<Ack<unknown>>(p, 'sitting:start', { sittingId });
      if (!started.ok) throw new Error(started.error.message);
      site.clock.advance(100 * MIN);
      await site.server.tick();
      const ended = await call<Ack<EndResult>>(p, 'sitting:end', { sittingId });
      if (!ended.ok || !ended.value.answerPackage) throw new Error('the sitting did not end with a package');
      return ended.value.answerPackage;
    } finally {
      p.disconnect();
    }
  }

  async function admin<T>(path: string, body?: unknown) {
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

  async function uploadOf(sittingId: string) {
    const r = await admin<UploadsStatus>('/api/admin/uploads');
    if (!r.body.ok) throw new Error(r.body.error.message);
    return r.body.value.sittings.find((x) => x.sittingId === sittingId) ?? null;
  }

  async function backups() {
    const r = await admin<BackupsStatus>('/api/admin/backups');
    if (!r.body.ok) throw new Error(r.body.error.message);
    return r.body.value;
  }

  /** A console's replica backup as the console seals it: signed by the room's proctor key. */
  function consoleBackup(): Buffer {
    const signer = pki.proctors.get('R1')!;
    return writePackageV2({
      kind: 'backup',
      payload: Buffer.from(
        JSON.stringify({ roomId: 'R1', exportedAt: new Date(site.clock.now()).toISOString(), changes: [] }),
      ),
      meta: { roomId: 'R1', changes: 0 },
      signer: { kind: 'certificate', certPem: signer.certPem, privateKeyPem: signer.privateKeyPem },
      recipients: [pki.province.certPem, pki.centre.certPem].map((certPem) => ({
        kind: 'certificate' as const,
        certPem,
      })),
      now: new Date(site.clock.now()),
    });
  }

  /** The receiver's status page JSON, asked as the site. */
  async function receiverStatus(): Promise<ExamReceiptStatus> {
    const r = await receiverCall(
      receiver.url,
      { centreRootPem: pki.centre.certPem, client: pki.site },
      'GET',
      `/api/exams/${EXAM_ID}/status`,
    );
    return (r.body as { status: ExamReceiptStatus }).status;
  }

  /** Cuts the link right after the receiver confirmed at least `atLeast` bytes; the offset then. */
  function cutAfter(atLeast: number): Promise<number> {
    return new Promise((resolve) => {
      const onProgress = (e: { state: string; offset: number }) => {
        if (e.state !== 'uploading' || e.offset < atLeast) return;
        site.server.ctx.events.off('upload-progress', onProgress);
        // Synchronous with the confirmation: no further chunk is sent before the cut (those
        // already in flight, up to UPLOAD_RULES.chunksInFlight - 1, may reach the receiver).
        link.sever();
        resolve(e.offset);
      };
      site.server.ctx.events.on('upload-progress', onProgress);
    });
  }

  it('uploads the first sitting; the link drops mid-upload and the upload resumes where the receiver is', async () => {
    const cut = cutAfter(3 * CHUNK);
    juniorPackage = await endSitting(JUNIOR);
    const bytes = readFileSync(juniorPackage);
    const cutAt = await cut;
    await expect
      .poll(() => uploadOf(JUNIOR), { timeout: 30_000 })
      .toMatchObject({ state: 'failed', offset: cutAt });
    link.heal();
    await expect
      .poll(() => uploadOf(JUNIOR), { timeout: 60_000 })
      .toMatchObject({ state: 'receipt-verified', offset: bytes.length, sha256: sha256Hex(bytes) });
    // The receiver's own record: the second attempt opened at the stored offset, not at zero
    // (cutAt, or further when chunks sent ahead in the window were stored before the cut),
    // and every byte was stored once.
    const resumed = receiverLog.filter((l) => l.msg === 'upload resumed');
    expect(resumed).toEqual([expect.objectContaining({ resumed: true })]);
    const resumedAt = resumed[0]!.offset as number;
    expect(resumedAt).toBeGreaterThanOrEqual(cutAt);
    expect(resumedAt).toBeLessThanOrEqual(
      Math.min(bytes.length, cutAt + (UPLOAD_RULES.chunksInFlight - 1) * CHUNK),
    );
    expect(cutAt).toBeGreaterThan(0);
    const stored = receiverLog.filter((l) => l.msg === 'chunk stored');
    expect(stored.filter((l) => l.from === 0)).toHaveLength(1);
    expect(stored.reduce((n, l) => n + (l.to as number) - (l.from as number), 0)).toBe(bytes.length);
    expect(receiverLog.filter((l) => l.msg === 'package received')).toEqual([
      expect.objectContaining({ sittingId: JUNIOR, via: 'network', version: 1 }),
    ]);
  }, 120_000);

  it('sends the second sitting by media when the uplink is down, and the receipt file confirms it', async () => {
    link.sever();
    const bytes = readFileSync(await endSitting(SENIOR));
    await expect.poll(() => uploadOf(SENIOR), { timeout: 30_000 }).toMatchObject({ state: 'failed' });
    const exported = await admin<{ manifestPath: string }>(`/api/admin/uploads/${SENIOR}/media`, {
      folder: stick,
    });
    expect(exported.status).toBe(200);

    // At the city: the stick goes into the receiver's store, by the same accept as an upload.
    const importer = await openPackageImporter({
      tls: receiverTls,
      centre: pki.centre,
      exams,
      dataDir: receiverDir,
      ...(databaseUrl ? { databaseUrl } : {}),
    });
    let results: Awaited<ReturnType<typeof importMediaFolders>>;
    try {
      results = await importMediaFolders(importer, [stick]);
    } finally {
      await importer.close();
    }
    expect(results).toEqual([
      expect.objectContaining({ ok: true, sittingId: SENIOR, alreadyReceived: false }),
    ]);
    const receiptFile = (results[0] as { receiptPath: string }).receiptPath;
    const signed = JSON.parse(readFileSync(receiptFile, 'utf8')) as SignedReceipt;
    expect(
      verifyReceipt(signed, {
        centreRootPem: pki.centre.certPem,
        expectedSiteId: 'SITE-T',
        expectedSittingId: SENIOR,
        expectedSha256: sha256Hex(bytes),
      }),
    ).toMatchObject({ version: 1, flagged: false });

    // Until the last sitting is confirmed, the site refuses to clean up, saying what is missing.
    const early = await admin('/api/admin/cleanup', {});
    expect(early).toMatchObject({
      status: 400,
      body: { ok: false, error: { code: 'CHECKLIST_INCOMPLETE' } },
    });
    expect(JSON.stringify(early.body)).toContain(SENIOR);

    // Back at the site, the link still down: the receipt file confirms the sitting.
    expect(await admin('/api/admin/uploads/receipt', signed)).toMatchObject({
      status: 200,
      body: { ok: true },
    });
    expect(await uploadOf(SENIOR)).toMatchObject({ state: 'receipt-verified', receipt: { version: 1 } });
    expect(link.cut).toBe(true);
    link.heal();

    // The centre: both sittings received, nothing missing, nothing flagged.
    const status = await receiverStatus();
    expect(status).toMatchObject({ received: 2, missing: 0 });
    expect(status.sittings.map((s) => [s.sittingId, s.state, s.flagged])).toEqual(
      expect.arrayContaining([
        [JUNIOR, 'received', false],
        [SENIOR, 'received', false],
      ]),
    );
  }, 120_000);
  it('backs up the site after each sitting and the console after the day’s last, and the province command opens them all; then the cleanup leaves no exam data', async () => {
    // The site's own backup follows each final package by itself.
    await expect
      .poll(async () => (await backups()).sittings.map((x) => [x.sittingId, x.state]), { timeout: 60_000 })
      .toEqual(
        expect.arrayContaining([
          [JUNIOR, 'verified'],
          [SENIOR, 'verified'],
        ]),
      );
    // Every receipt is in, but the console's backup of the day is not: still refused.
    const withoutConsole = await admin('/api/admin/cleanup', {});
    expect(withoutConsole).toMatchObject({
      status: 400,
      body: { ok: false, error: { code: 'CHECKLIST_INCOMPLETE' } },
    });
    expect(JSON.stringify(withoutConsole.body)).toMatch(/R1/);

    // The room's console, its day over, deposits its backup (its replica sealed for the province).
    const p = await proctorSocket(site, 'R1');
    try {
      const deposited = await call<Ack<{ sha256: string; fileName: string }>>(p, 'backup:deposit', {
        fileBase64: consoleBackup().toString('base64'),
      });
      expect(deposited).toMatchObject({ ok: true });
    } finally {
      p.disconnect();
    }
    const status = await backups();
    expect(status.rooms).toEqual([expect.objectContaining({ roomId: 'R1', state: 'verified' })]);
    const files = [...status.sittings.map((x) => x.backup!.path), ...status.rooms.map((x) => x.backup!.path)];
    expect(files).toHaveLength(3);

    // At the province: the real command opens each with the province key and checks it.
    const keyFile = join(stick, 'province.p12');
    writeFileSync(keyFile, toPkcs12({ ...pki.province, chainPem: [pki.centre.certPem], pin: PROVINCE_PIN }));
    const checked = spawnSync(process.execPath, ['--import', TSX, CHECK_BACKUP, '--key', keyFile, ...files], {
      env: { ...process.env, EXAM_PROVINCE_PIN: PROVINCE_PIN },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(checked.stderr).toBe('');
    expect(checked.status).toBe(0);
    expect(checked.stdout).toContain(`after sitting ${JUNIOR}`);
    expect(checked.stdout).toContain(`after sitting ${SENIOR}`);
    expect(checked.stdout).toContain('console backup of room R1');
    expect(checked.stdout.match(/integrity_check ok; audit chain of \d+ events verified/g)).toHaveLength(2);

    // Every receipt and backup in: the cleanup runs, and no exam data is left on the site.
    const cleaned = await admin<{
      removed: { path: string }[];
      kept: string[];
      receipts: { sittingId: string }[];
    }>('/api/admin/cleanup', {});
    expect(cleaned.status).toBe(200);
    if (!cleaned.body.ok) throw new Error(cleaned.body.error.message);
    expect(cleaned.body.value.receipts.map((r) => r.sittingId).sort()).toEqual([JUNIOR, SENIOR].sort());
    expect(cleaned.body.value.removed.map((r) => r.path)).toEqual(
      expect.arrayContaining(['site.db', 'exports']),
    );
    const left = readdirSync(site.dataDir, { recursive: true }).map(String);
    expect(left.filter((f) => /site\.db|exports|\.exampkg$|papers|standalone/.test(f))).toEqual([]);
    expect(existsSync(juniorPackage)).toBe(false);
  }, 120_000);
});
