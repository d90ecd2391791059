import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Credential,
  createExamPki,
  type ExamPki,
  issueReceiverTlsCredential,
  ReceiptVerificationError,
  verifyReceipt,
} from '@exam/centre';
import { sha256Hex } from '@exam/crypto';
import type { ExamReceiptStatus, SignedReceipt } from '@exam/protocol';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from './index.js';
import type { RunningReceiver } from './options.js';
import {
  answerPackageBytes,
  issueUnderCentre,
  selfMadeSiteCredential,
  type TestPackage,
} from './testing/answerPackages.js';
import { type PostgresCluster, startPostgresCluster } from './testing/postgresCluster.js';
import {
  type ClientIdentity,
  call,
  cutMidChunk,
  pipelinedChunks,
  type Reply,
} from './testing/receiverClient.js';

const CHUNK = 16 * 1024;
/** The handshake refused by the receiver: an alert (certificate required, unknown CA) or a reset. */
const TLS_REFUSED = expect.stringMatching(/^(ECONNRESET|ERR_SSL_)/);
type LogLine = { msg: string; uploadId?: string; offset?: number; from?: number; code?: string };

let cluster: PostgresCluster | null = null;
afterAll(async () => {
  await cluster?.stop();
});

describe.each(['sqlite', 'postgres'] as const)('the centre receiver on %s', (backend) => {
  let pki: ExamPki;
  let receiver: RunningReceiver;
  let dataDir: string;
  let site1: ClientIdentity;
  let site2: ClientIdentity;
  let site2Key: Credential;
  let centreStaff: ClientIdentity;
  const log: LogLine[] = [];

  const pkgOf = (o: Partial<TestPackage> & { sittingId: string }, signer?: Credential) =>
    answerPackageBytes(signer ?? pki.site, pki.centre, { examId: 'E1', siteId: 'S1', ...o });

  beforeAll(async () => {
    pki = createExamPki('S1');
    site2Key = issueUnderCentre(pki.centre, { commonName: 'Site S2', role: 'site', siteId: 'S2' });
    const root = pki.centre.certPem;
    site1 = { centreRootPem: root, client: pki.site };
    site2 = { centreRootPem: root, client: site2Key };
    centreStaff = {
      centreRootPem: root,
      client: issueUnderCentre(pki.centre, { commonName: 'Centre clerk', role: 'admin' }),
    };
    dataDir = mkdtempSync(join(tmpdir(), `receiver-${backend}-`));
    let databaseUrl: string | undefined;
    if (backend === 'postgres') {
      cluster ??= await startPostgresCluster();
      databaseUrl = await cluster.createDatabase('receiver_suite');
    }
    receiver = await startReceiver({
      tls: issueReceiverTlsCredential(pki.centre),
      centre: pki.centre,
      exams: [
        {
          examId: 'E1',
          sites: [
            { siteId: 'S1', sittingIds: ['B1', 'B2', 'B3', 'B4'] },
            { siteId: 'S2', sittingIds: ['B1'] },
          ],
        },
      ],
      dataDir,
      ...(databaseUrl ? { databaseUrl } : {}),
      logger: pino({ level: 'debug' }, { write: (line: string) => log.push(JSON.parse(line)) }),
    });
    expect(receiver.store).toBe(backend);
  });

  afterAll(async () => {
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = (id: ClientIdentity, bytes: Buffer, sha256 = sha256Hex(bytes)) =>
    call(receiver.url, id, 'POST', '/api/uploads', {
      json: { sha256, size: bytes.length, fileName: 'answers.pkg' },
    });

  /** Sends `bytes` from `from` in CHUNK-sized pieces, each acknowledged with the new offset. */
  async function sendFrom(
    id: ClientIdentity,
    uploadId: string,
    bytes: Buffer,
    from: number,
    until = bytes.length,
  ) {
    let offset = from;
    while (offset < until) {
      const chunk = bytes.subarray(offset, Math.min(offset + CHUNK, until));
      const r = await call(receiver.url, id, 'PATCH', `/api/uploads/${uploadId}`, { bytes: chunk, offset });
      expect(r).toEqual({ status: 200, body: { ok: true, offset: offset + chunk.length } });
      offset += chunk.length;
    }
    return offset;
  }

  const complete = (id: ClientIdentity, uploadId: string) =>
    call(receiver.url, id, 'POST', `/api/uploads/${uploadId}/complete`, { json: {} });

  /** The whole upload of one package; the completion's reply. */
  async function upload(id: ClientIdentity, bytes: Buffer, sha256?: string): Promise<Reply> {
    const started = await start(id, bytes, sha256);
    expect(started.status).toBe(200);
    const { uploadId, offset } = started.body as { uploadId: string; offset: number };
    await sendFrom(id, uploadId, bytes, offset);
    return complete(id, uploadId);
  }

  const receiptOf = (r: Reply) => (r.body as { receipt: SignedReceipt }).receipt;
  const expectFor = (sittingId: string, bytes: Buffer) => ({
    centreRootPem: pki.centre.certPem,
    expectedSiteId: 'S1',
    expectedSittingId: sittingId,
    expectedSha256: sha256Hex(bytes),
  });
  const status = async (id: ClientIdentity) => {
    const r = await call(receiver.url, id, 'GET', '/api/exams/E1/status');
    expect(r.status).toBe(200);
    return (r.body as { status: ExamReceiptStatus }).status;
  };

  let firstB1: SignedReceipt;
  const b1 = () => pkgOf({ sittingId: 'B1' });
  let b1Bytes: Buffer;

  it('takes a package in chunks and returns a receipt signed by the receiver that the site verifies', async () => {
    b1Bytes = b1();
    expect(b1Bytes.length).toBeGreaterThan(4 * CHUNK);
    const done = await upload(site1, b1Bytes);
    expect(done.status).toBe(200);
    firstB1 = receiptOf(done);
    const receipt = verifyReceipt(firstB1, expectFor('B1', b1Bytes));
    expect(receipt).toMatchObject({
      examId: 'E1',
      siteId: 'S1',
      sittingId: 'B1',
      packageSha256: sha256Hex(b1Bytes),
      size: b1Bytes.length,
      // 40 candidates, every third still answering; 30 changes each.
      counts: { candidates: 40, handedIn: 27, changes: 1200 },
      final: true,
      version: 1,
      flagged: false,
    });
    // Kept byte for byte, and nothing left half-written.
    const kept = readdirSync(join(dataDir, 'packages'));
    expect(kept.map((f) => sha256Hex(readFileSync(join(dataDir, 'packages', f))))).toContain(
      sha256Hex(b1Bytes),
    );
    expect(readdirSync(join(dataDir, 'partial'))).toEqual([]);
  });

  it('continues a dropped upload from the last byte stored, not from zero', async () => {
    const bytes = pkgOf({ sittingId: 'B2' });
    const first = await start(site1, bytes);
    const { uploadId, offset } = first.body as { uploadId: string; offset: number };
    expect(offset).toBe(0);
    const stored = await sendFrom(site1, uploadId, bytes, 0, 3 * CHUNK);
    // The link drops halfway through the fourth chunk.
    await cutMidChunk(
      receiver.url,
      site1,
      uploadId,
      stored,
      bytes.subarray(stored, stored + CHUNK),
      CHUNK / 2,
    );

    const again = await start(site1, bytes);
    expect(again.body).toEqual({ ok: true, uploadId, offset: 3 * CHUNK });
    // A chunk from anywhere else is refused with where to continue.
    const wrong = await call(receiver.url, site1, 'PATCH', `/api/uploads/${uploadId}`, {
      bytes: bytes.subarray(0, CHUNK),
      offset: 0,
    });
    expect(wrong.status).toBe(409);
    expect(wrong.body).toMatchObject({ ok: false, error: { code: 'OFFSET_MISMATCH', offset: 3 * CHUNK } });

    await sendFrom(site1, uploadId, bytes, 3 * CHUNK);
    const done = await complete(site1, uploadId);
    expect(done.status).toBe(200);
    expect(verifyReceipt(receiptOf(done), expectFor('B2', bytes)).version).toBe(1);
    // The receiver's log: resumed at the stored offset; no chunk of this upload written from 0 twice.
    const mine = log.filter((l) => l.uploadId === uploadId);
    expect(mine.find((l) => l.msg === 'upload resumed')?.offset).toBe(3 * CHUNK);
    expect(mine.filter((l) => l.msg === 'chunk stored' && l.from === 0)).toHaveLength(1);
  });

  it('gives the same receipt for the same package again', async () => {
    const again = await start(site1, b1Bytes);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ok: true, receipt: firstB1 });
    // A fresh connection and the same bytes: still the one receipt, and still one package for B1.
    expect(
      (await status(centreStaff)).sittings.find((s) => s.siteId === 'S1' && s.sittingId === 'B1')?.versions,
    ).toHaveLength(1);
  });

  it('keeps a different package for a sitting already received as version 2, flagged, beside the first', async () => {
    const second = pkgOf({ sittingId: 'B1', exportedAt: 20_000 });
    const done = await upload(site1, second);
    expect(done.status).toBe(200);
    const receipt = verifyReceipt(receiptOf(done), expectFor('B1', second));
    expect(receipt).toMatchObject({ version: 2, flagged: true });
    const b1Status = (await status(centreStaff)).sittings.find(
      (s) => s.siteId === 'S1' && s.sittingId === 'B1',
    );
    expect(b1Status).toMatchObject({ state: 'received', flagged: true });
    expect(b1Status?.versions.map((v) => [v.version, v.packageSha256, v.flagged])).toEqual([
      [1, sha256Hex(b1Bytes), false],
      [2, sha256Hex(second), true],
    ]);
    // The first receipt still stands for the first bytes.
    expect((await start(site1, b1Bytes)).body).toEqual({ ok: true, receipt: firstB1 });
  });

  describe('refusals, keeping nothing of the package', () => {
    const refusedWith = async (r: Reply, status: number, code: string) => {
      expect(r.status).toBe(status);
      expect(r.body).toMatchObject({ ok: false, error: { code } });
      expect(readdirSync(join(dataDir, 'partial'))).toEqual([]);
      expect(log.some((l) => l.msg === 'package refused' && l.code === code)).toBe(true);
    };
    const packagesKept = () => readdirSync(join(dataDir, 'packages')).length;

    it('refuses an altered package', async () => {
      const before = packagesKept();
      const altered = Buffer.from(pkgOf({ sittingId: 'B3' }));
      altered[altered.length - 100]! ^= 0x01;
      const r = await upload(site1, altered);
      await refusedWith(r, 422, 'BAD_PACKAGE');
      expect((r.body as { error: { reasons: string[] } }).error.reasons.length).toBeGreaterThan(0);
      expect(packagesKept()).toBe(before);
      // Nothing remembered: the same bytes start again from zero.
      expect((await start(site1, altered)).body).toMatchObject({ ok: true, offset: 0 });
      expect((await status(centreStaff)).sittings.find((s) => s.sittingId === 'B3')?.state).toBe('missing');
    });

    it('refuses bytes that do not hash to what was announced', async () => {
      const bytes = pkgOf({ sittingId: 'B3' });
      await refusedWith(await upload(site1, bytes, 'ab'.repeat(32)), 422, 'HASH_MISMATCH');
    });

    it('refuses a package for an exam it does not receive', async () => {
      const other = pkgOf({ sittingId: 'B3', examId: 'E-OTHER' });
      await refusedWith(await upload(site1, other), 422, 'UNKNOWN_EXAM');
    });

    it("refuses another site's package sent with this site's certificate", async () => {
      const s2 = pkgOf({ sittingId: 'B1', siteId: 'S2' }, site2Key);
      await refusedWith(await upload(site1, s2), 403, 'WRONG_SITE');
      // And the other way round: site 2 cannot deliver site 1's package either.
      await refusedWith(await upload(site2, pkgOf({ sittingId: 'B3' })), 403, 'WRONG_SITE');
      expect((await status(centreStaff)).sittings.find((s) => s.siteId === 'S2')?.state).toBe('missing');
    });

    it("does not let a site touch another site's upload", async () => {
      const bytes = pkgOf({ sittingId: 'B4' });
      const { uploadId } = (await start(site1, bytes)).body as { uploadId: string };
      const r = await call(receiver.url, site2, 'PATCH', `/api/uploads/${uploadId}`, {
        bytes: bytes.subarray(0, CHUNK),
        offset: 0,
      });
      expect(r.status).toBe(404);
      expect(r.body).toMatchObject({ ok: false, error: { code: 'UNKNOWN_UPLOAD' } });
      expect((await start(site1, bytes)).body).toEqual({ ok: true, uploadId, offset: 0 });
    });

    it('answers malformed requests with typed refusals and stores nothing', async () => {
      const post = (json: unknown) => call(receiver.url, site1, 'POST', '/api/uploads', { json });
      for (const json of [
        { sha256: 'xyz', size: 10, fileName: 'a' },
        { sha256: 'ab'.repeat(32), size: -1, fileName: 'a' },
        { sha256: 'ab'.repeat(32), size: 10, fileName: 'a\u202Eexe.pdf' },
        { sha256: 'ab'.repeat(32), size: 10, fileName: 'a', extra: 1 },
      ]) {
        const r = await post(json);
        expect(r.status).toBe(400);
        expect(r.body).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
      }
      const notAnId = await call(receiver.url, site1, 'PATCH', '/api/uploads/..%2F..%2Fetc', {
        bytes: Buffer.from('x'),
        offset: 0,
      });
      expect(notAnId.body).toMatchObject({ ok: false, error: { code: 'UNKNOWN_UPLOAD' } });
      // A chunk running past the announced size is refused, and the offset does not move.
      const small = Buffer.from('a small upload');
      const { uploadId } = (await start(site1, small)).body as { uploadId: string };
      const tooLong = await call(receiver.url, site1, 'PATCH', `/api/uploads/${uploadId}`, {
        bytes: Buffer.concat([small, Buffer.from('!')]),
        offset: 0,
      });
      expect(tooLong.status).toBe(413);
      expect(tooLong.body).toMatchObject({ ok: false, error: { code: 'TOO_LARGE' } });
      expect((await start(site1, small)).body).toEqual({ ok: true, uploadId, offset: 0 });
      // Completing before every byte arrived says how far it got.
      const early = await complete(site1, uploadId);
      expect(early.status).toBe(409);
      expect(early.body).toMatchObject({ ok: false, error: { code: 'INCOMPLETE', offset: 0 } });
    });

    it('refuses a certificate from the centre that is not a site key', async () => {
      const serverCert = issueUnderCentre(pki.centre, { commonName: 'x', role: 'site-server', siteId: 'S1' });
      const r = await start({ centreRootPem: pki.centre.certPem, client: serverCert }, b1Bytes);
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ ok: false, error: { code: 'NOT_A_SITE' } });
    });

    it('lets no connection through with a site certificate under a self-made root', async () => {
      const forged = { centreRootPem: pki.centre.certPem, client: selfMadeSiteCredential('S1') };
      await expect(start(forged, b1Bytes)).rejects.toMatchObject({ code: TLS_REFUSED });
    });

    it('lets no connection through without a client certificate', async () => {
      await expect(start({ centreRootPem: pki.centre.certPem }, b1Bytes)).rejects.toMatchObject({
        code: TLS_REFUSED,
      });
      await expect(
        call(receiver.url, { centreRootPem: pki.centre.certPem }, 'GET', '/api/exams/E1/status'),
      ).rejects.toMatchObject({ code: TLS_REFUSED });
    });
  });

  it('lists received and missing sittings per site, as JSON and as a page', async () => {
    const all = await status(centreStaff);
    const rows = all.sittings.map((s) => [s.siteId, s.sittingId, s.state, s.versions.length, s.flagged]);
    expect(rows).toEqual([
      ['S1', 'B1', 'received', 2, true],
      ['S1', 'B2', 'received', 1, false],
      ['S1', 'B3', 'missing', 0, false],
      ['S1', 'B4', 'missing', 0, false],
      ['S2', 'B1', 'missing', 0, false],
    ]);
    expect(all).toMatchObject({ received: 2, missing: 3 });
    // A site sees its own sittings only.
    expect((await status(site2)).sittings.map((s) => [s.siteId, s.sittingId, s.state])).toEqual([
      ['S2', 'B1', 'missing'],
    ]);
    const page = await call(receiver.url, centreStaff, 'GET', '/status/E1');
    expect(page.status).toBe(200);
    expect(page.body).toContain('已接收 2 个场次，缺 3 个');
    const english = await call(receiver.url, centreStaff, 'GET', '/status/E1?lang=en');
    expect(english.body).toContain('2 sittings received, 3 missing');
    const unknown = await call(receiver.url, centreStaff, 'GET', '/api/exams/E9/status');
    expect(unknown.status).toBe(404);
  });

  it('refuses a receipt replayed for another sitting or another package', () => {
    expect(() => verifyReceipt(firstB1, { ...expectFor('B1', b1Bytes), expectedSittingId: 'B2' })).toThrow(
      ReceiptVerificationError,
    );
    expect(() => verifyReceipt(firstB1, expectFor('B1', Buffer.from('other bytes')))).toThrow(
      ReceiptVerificationError,
    );
  });
});

describe('chunks pipelined on one connection (the site keeps several in flight)', () => {
  let pki: ExamPki;
  let receiver: RunningReceiver;
  let dataDir: string;
  let site: ClientIdentity;
  const log: LogLine[] = [];

  beforeAll(async () => {
    pki = createExamPki('S1');
    site = { centreRootPem: pki.centre.certPem, client: pki.site };
    dataDir = mkdtempSync(join(tmpdir(), 'receiver-pipelined-'));
    receiver = await startReceiver({
      tls: issueReceiverTlsCredential(pki.centre),
      centre: pki.centre,
      exams: [{ examId: 'E1', sites: [{ siteId: 'S1', sittingIds: ['B1'] }] }],
      dataDir,
      logger: pino({ level: 'debug' }, { write: (line: string) => log.push(JSON.parse(line)) }),
    });
  });

  afterAll(async () => {
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores them strictly in order, refuses one past a gap with its offset, then stores the one due', async () => {
    const bytes = answerPackageBytes(pki.site, pki.centre, { examId: 'E1', siteId: 'S1', sittingId: 'B1' });
    expect(bytes.length).toBeGreaterThan(4 * CHUNK);
    const started = await call(receiver.url, site, 'POST', '/api/uploads', {
      json: { sha256: sha256Hex(bytes), size: bytes.length, fileName: 'answers.pkg' },
    });
    const { uploadId } = started.body as { uploadId: string };
    const piece = (from: number) => ({ offset: from, bytes: bytes.subarray(from, from + CHUNK) });
    // Sent back to back before any reply: chunk 3 skips chunk 2, which follows it.
    const replies = await pipelinedChunks(receiver.url, site, uploadId, [
      piece(0),
      piece(CHUNK),
      piece(3 * CHUNK),
      piece(2 * CHUNK),
    ]);
    expect(replies).toEqual([
      { status: 200, body: { ok: true, offset: CHUNK } },
      { status: 200, body: { ok: true, offset: 2 * CHUNK } },
      {
        status: 409,
        body: {
          ok: false,
          error: { code: 'OFFSET_MISMATCH', message: expect.any(String), offset: 2 * CHUNK },
        },
      },
      { status: 200, body: { ok: true, offset: 3 * CHUNK } },
    ]);
    // Chunks sent again (a reply lost) are refused too: nothing is stored twice.
    const again = await pipelinedChunks(receiver.url, site, uploadId, [piece(CHUNK), piece(2 * CHUNK)]);
    expect(again.map((r) => [r.status, (r.body as { error?: { offset?: number } }).error?.offset])).toEqual([
      [409, 3 * CHUNK],
      [409, 3 * CHUNK],
    ]);
    const stored = log.filter((l) => l.uploadId === uploadId && l.msg === 'chunk stored').map((l) => l.from);
    expect(stored).toEqual([0, CHUNK, 2 * CHUNK]);
    // The rest, pipelined; then the package verifies as sent.
    const rest: { offset: number; bytes: Buffer }[] = [];
    for (let from = 3 * CHUNK; from < bytes.length; from += CHUNK) rest.push(piece(from));
    const last = (await pipelinedChunks(receiver.url, site, uploadId, rest)).at(-1);
    expect(last).toEqual({ status: 200, body: { ok: true, offset: bytes.length } });
    const done = await call(receiver.url, site, 'POST', `/api/uploads/${uploadId}/complete`, { json: {} });
    expect(done.status).toBe(200);
    const receipt = (done.body as { receipt: SignedReceipt }).receipt;
    expect(
      verifyReceipt(receipt, {
        centreRootPem: pki.centre.certPem,
        expectedSiteId: 'S1',
        expectedSittingId: 'B1',
        expectedSha256: sha256Hex(bytes),
      }).size,
    ).toBe(bytes.length);
  });
});
