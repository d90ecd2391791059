import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { issueReceiverTlsCredential, RECEIVER_HOST_NAME } from '@exam/centre';
import { type RunningReceiver, startReceiver } from '@exam/centre-server';
import { sha256Hex } from '@exam/crypto';
import { UPLOAD_RULES } from '@exam/domain';
import type { Ack, EndResult, ExamReceiptStatus } from '@exam/protocol';
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
import { afterEach, describe, expect, it } from 'vitest';

/**
 * Issue 18, the site's upload to the centre, across the two apps: a real site server ends a
 * sitting and uploads its final answer package in chunks, over mutual TLS, to the real
 * receiver (SQLite store), through a loopback link the tests can cut. Each test has its own
 * site, link and receiver.
 */
const MIN = 60_000;
const SITTING = 'S-J-ECON';
const PRACTICE = 'S-J-PRAC';
const EXAM_ID = 'EXAM-TEST';
/** Small chunks, so a test package of a few dozen KiB takes many requests. */
const CHUNK = 2048;
const VALIDITY = { validFrom: new Date('2020-01-01T00:00:00Z'), validDays: 3650 * 2 };

type LogLine = Record<string, unknown> & { msg: string };
function capturingLogger(level: 'info' | 'debug' = 'info') {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as LogLine);
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

interface Pair {
  site: TestSite;
  receiver: RunningReceiver;
  link: NetworkLink;
  siteLog: LogLine[];
  receiverLog: LogLine[];
}
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startPair(extra: { practicePerRoom?: number } = {}): Promise<Pair> {
  const pki = testPki();
  const receiverDir = mkdtempSync(join(tmpdir(), 'receiver-'));
  const r = capturingLogger('debug');
  const receiver = await startReceiver({
    tls: issueReceiverTlsCredential(pki.centre, VALIDITY),
    centre: pki.centre,
    exams: [{ examId: EXAM_ID, sites: [{ siteId: 'SITE-T', sittingIds: [SITTING, PRACTICE, 'S-SENIOR'] }] }],
    dataDir: receiverDir,
    logger: r.logger,
  });
  cleanups.push(async () => {
    await receiver.close();
    rmSync(receiverDir, { recursive: true, force: true });
  });
  const link = await NetworkLink.create(receiver.url);
  cleanups.push(() => link.close());
  const s = capturingLogger();
  const site = await startTestSite({
    rooms: 1,
    perRoom: 40,
    ...extra,
    logger: s.logger,
    upload: { receiverUrl: link.url, chunkBytes: CHUNK, firstRetryMs: 50, maxRetryMs: 200 },
  });
  cleanups.push(() => site.stop());
  return { site, receiver, link, siteLog: s.lines, receiverLog: r.lines };
}

/**
 * Room R1 runs a sitting to its end (the junior one by default; the practice one starts 130
 * minutes after it); nobody logs in, so everyone is absent.
 */
async function endSitting(site: TestSite, sittingId = SITTING): Promise<string> {
  const start = site.juniorStart + (sittingId === PRACTICE ? 130 * MIN : 0);
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

async function uploadOf(site: TestSite, sittingId = SITTING) {
  const res = await siteFetch(`${site.url}/api/admin/uploads`, {
    headers: { authorization: `Bearer ${site.server.adminToken}` },
  });
  const body = (await res.json()) as Ack<UploadsStatus>;
  if (!body.ok) throw new Error(body.error.message);
  return body.value.sittings.find((x) => x.sittingId === sittingId) ?? null;
}

/** A request to the receiver as the site (mutual TLS with the site certificate). */
function asSite(
  receiver: RunningReceiver,
  method: string,
  path: string,
  json?: unknown,
): Promise<Record<string, unknown>> {
  const pki = testPki();
  return new Promise((resolve, reject) => {
    const req = request(
      `${receiver.url}${path}`,
      {
        method,
        ca: [pki.centre.certPem],
        cert: pki.site.certPem,
        key: pki.site.privateKeyPem,
        servername: RECEIVER_HOST_NAME,
        headers: json === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () =>
          resolve(JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>),
        );
      },
    );
    req.on('error', reject);
    req.end(json === undefined ? undefined : JSON.stringify(json));
  });
}

/** The receiver's status JSON. */
async function receiverStatus(receiver: RunningReceiver): Promise<ExamReceiptStatus> {
  return (await asSite(receiver, 'GET', `/api/exams/${EXAM_ID}/status`)).status as ExamReceiptStatus;
}

async function importReceiptFile(site: TestSite, body: unknown) {
  const res = await siteFetch(`${site.url}/api/admin/uploads/receipt`, {
    method: 'POST',
    headers: { authorization: `Bearer ${site.server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Ack<unknown> };
}

/** Cuts the link right after the receiver confirmed the first chunk(s); resolves with the offset. */
function cutAfterFirstChunks(p: Pair, atLeast: number): Promise<number> {
  return new Promise((resolve) => {
    const onProgress = (e: { state: string; offset: number }) => {
      if (e.state !== 'uploading' || e.offset < atLeast) return;
      p.site.server.ctx.events.off('upload-progress', onProgress);
      // Synchronous with the confirmation: the next chunk is not sent before the cut.
      p.link.sever();
      resolve(e.offset);
    };
    p.site.server.ctx.events.on('upload-progress', onProgress);
  });
}

const chunksStored = (log: LogLine[]) =>
  log.filter((l) => l.msg === 'chunk stored').map((l) => ({ from: l.from as number, to: l.to as number }));

describe('the site uploads each sitting’s final answer package to the centre', () => {
  it('uploads it in chunks to the real receiver, which verifies it, and checks the signed receipt', async () => {
    const p = await startPair();
    const offsets: number[] = [];
    p.site.server.ctx.events.on('upload-progress', (e) => {
      if (e.state === 'uploading') offsets.push(e.offset);
    });
    const path = await endSitting(p.site);
    const bytes = readFileSync(path);
    await expect
      .poll(() => uploadOf(p.site), { timeout: 30_000 })
      .toMatchObject({ state: 'receipt-verified' });

    const upload = (await uploadOf(p.site))!;
    expect(upload).toMatchObject({
      sha256: sha256Hex(bytes),
      offset: bytes.length,
      size: bytes.length,
      lastError: null,
    });
    expect(upload.receipt).toMatchObject({
      version: 1,
      flagged: false,
      counts: { candidates: 40, handedIn: 0, changes: 0 },
    });
    // Chunk by chunk (up to UPLOAD_RULES.chunksInFlight sent ahead), each offset committed in order.
    expect(bytes.length).toBeGreaterThan(4 * CHUNK);
    expect(offsets.slice(1)).toEqual(
      Array.from({ length: Math.ceil(bytes.length / CHUNK) }, (_, i) =>
        Math.min((i + 1) * CHUNK, bytes.length),
      ),
    );
    expect(chunksStored(p.receiverLog)).toHaveLength(Math.ceil(bytes.length / CHUNK));
    // The centre sees the sitting received, and the day's other sitting still missing.
    const status = await receiverStatus(p.receiver);
    expect(status.sittings.map((x) => [x.sittingId, x.state])).toEqual(
      expect.arrayContaining([
        [SITTING, 'received'],
        ['S-SENIOR', 'missing'],
      ]),
    );
  });

  it('resumes from the receiver’s stored offset, not from zero, after the link drops mid-upload', async () => {
    const p = await startPair();
    const cut = cutAfterFirstChunks(p, 3 * CHUNK);
    const path = await endSitting(p.site);
    const size = readFileSync(path).length;
    const cutAt = await cut;
    // The link is down: the attempt fails, the state says so, and it is tried again (backoff).
    await expect
      .poll(() => uploadOf(p.site), { timeout: 20_000 })
      .toMatchObject({ state: 'failed', offset: cutAt });
    await expect
      .poll(async () => (await uploadOf(p.site))?.attempts ?? 0, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(2);
    expect((await uploadOf(p.site))?.lastError).toBeTruthy();
    p.link.heal();
    await expect
      .poll(() => uploadOf(p.site), { timeout: 30_000 })
      .toMatchObject({ state: 'receipt-verified', offset: size });

    // Chunks sent ahead of cutAt may have been stored before the cut (their replies lost):
    // the site went on from the receiver's offset, at most the window ahead of its own.
    const resumedAt = p.receiverLog.find((l) => l.msg === 'upload resumed')?.offset as number;
    expect(resumedAt).toBeGreaterThanOrEqual(cutAt);
    expect(resumedAt).toBeLessThanOrEqual(cutAt + (UPLOAD_RULES.chunksInFlight - 1) * CHUNK);
    expect(p.siteLog.filter((l) => l.msg === 'upload resumed from the receiver’s offset')).toEqual([
      expect.objectContaining({ sittingId: SITTING, offset: resumedAt }),
    ]);
    // The receiver's own log: every byte stored once, the first chunk after the cut at resumedAt.
    expect(p.receiverLog.filter((l) => l.msg === 'upload resumed')).toEqual([
      expect.objectContaining({ offset: resumedAt, resumed: true }),
    ]);
    const stored = chunksStored(p.receiverLog);
    expect(stored.filter((c) => c.from === 0)).toHaveLength(1);
    expect(stored.map((c) => c.to - c.from).reduce((a, b) => a + b, 0)).toBe(size);
    expect(stored.find((c) => c.from === resumedAt)).toBeDefined();
  });

  it('carries on after a restart of the site server mid-upload, from where the receiver is', async () => {
    const p = await startPair();
    const cut = cutAfterFirstChunks(p, 2 * CHUNK);
    const path = await endSitting(p.site);
    const size = readFileSync(path).length;
    const cutAt = await cut;
    await p.site.restart();
    expect((await uploadOf(p.site))?.state).toMatch(/^(uploading|failed)$/);
    const resumedBefore = p.siteLog.filter(
      (l) => l.msg === 'upload resumed from the receiver’s offset',
    ).length;
    p.link.heal();
    await expect
      .poll(() => uploadOf(p.site), { timeout: 30_000 })
      .toMatchObject({ state: 'receipt-verified', offset: size });
    // The restarted server asked the receiver and went on from where it was: cutAt, or a
    // chunk or two further when chunks sent ahead were stored before the cut.
    const resumedAt = p.receiverLog.findLast((l) => l.msg === 'upload resumed')?.offset as number;
    expect(resumedAt).toBeGreaterThanOrEqual(cutAt);
    expect(resumedAt).toBeLessThanOrEqual(cutAt + (UPLOAD_RULES.chunksInFlight - 1) * CHUNK);
    expect(
      p.siteLog.filter((l) => l.msg === 'upload resumed from the receiver’s offset').slice(resumedBefore),
    ).toEqual([expect.objectContaining({ sittingId: SITTING, offset: resumedAt })]);
    const stored = chunksStored(p.receiverLog);
    expect(stored.filter((c) => c.from === 0)).toHaveLength(1);
    expect(stored.map((c) => c.to - c.from).reduce((a, b) => a + b, 0)).toBe(size);
  });

  it('refuses a receipt of another sitting replayed to confirm a sitting the centre never received', async () => {
    const p = await startPair({ practicePerRoom: 2 });
    const juniorPath = await endSitting(p.site);
    await expect
      .poll(() => uploadOf(p.site), { timeout: 30_000 })
      .toMatchObject({ state: 'receipt-verified' });
    // The uplink fails before the second sitting's package goes: it stays unconfirmed.
    p.link.sever();
    const practicePath = await endSitting(p.site, PRACTICE);
    await expect
      .poll(() => uploadOf(p.site, PRACTICE), { timeout: 20_000 })
      .toMatchObject({ state: 'failed' });
    // The first sitting's real receipt, as the receiver gives it again for the same bytes.
    const again = await asSite(p.receiver, 'POST', '/api/uploads', {
      sha256: sha256Hex(readFileSync(juniorPath)),
      size: readFileSync(juniorPath).length,
      fileName: 'answers.exampkg',
    });
    const real = again.receipt as {
      receipt: Record<string, unknown>;
      signature: string;
      receiverCertPem: string;
    };
    expect(real.receipt).toMatchObject({ sittingId: SITTING });
    const practiceSha = sha256Hex(readFileSync(practicePath));
    // Relabelled for the second sitting and its bytes: the receiver's signature no longer holds.
    const replayed = {
      ...real,
      receipt: { ...real.receipt, sittingId: PRACTICE, packageSha256: practiceSha },
    };
    expect(await importReceiptFile(p.site, replayed)).toMatchObject({
      status: 400,
      body: { ok: false, error: { code: 'BAD_PACKAGE', message: expect.stringMatching(/signature/) } },
    });
    // As received, it confirms the first sitting (again), never the second.
    expect(await importReceiptFile(p.site, real)).toMatchObject({ status: 200, body: { ok: true } });
    expect(await uploadOf(p.site, PRACTICE)).toMatchObject({ state: 'failed', receipt: null });
    expect((await receiverStatus(p.receiver)).sittings.find((x) => x.sittingId === PRACTICE)?.state).toBe(
      'missing',
    );
    // Once the link is back, the second sitting goes up and is confirmed by its own receipt.
    p.link.heal();
    await expect
      .poll(() => uploadOf(p.site, PRACTICE), { timeout: 30_000 })
      .toMatchObject({ state: 'receipt-verified', sha256: practiceSha });
  });
});
