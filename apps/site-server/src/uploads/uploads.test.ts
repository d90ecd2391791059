import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueReceiverTlsCredential, signReceipt } from '@exam/centre';
import { sha256Hex } from '@exam/crypto';
import { type Ack, type EndResult, type Receipt, UPLOAD_OFFSET_HEADER } from '@exam/protocol';
import { call, proctorSocket, siteFetch, startTestSite, type TestSite } from '@exam/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { listAudit } from '../audit/auditTable.js';
import { acceptReceipt, ReceiptRefused } from './acceptReceipt.js';
import type { MediaManifest } from './media.js';
import type { UploadsStatus } from './uploadStatus.js';
import { getUpload, queueUpload } from './uploadsTable.js';

/**
 * The site's side of the upload (issue 18) that needs no real receiver: the admin's list, the
 * receiver's identity checked before any byte leaves, which acknowledgements the pipelined
 * Uploader believes (against stand-in receivers that lie or lose a reply), and the receipt
 * check. The upload to the real receiver is the system test `scripts/e2e/upload.e2e.test.ts`.
 */
const MIN = 60_000;
const SITTING = 'S-J-ECON';
const sites: TestSite[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  for (const s of sites.splice(0)) await s.stop();
});

async function site(opts: Parameters<typeof startTestSite>[0] = {}): Promise<TestSite> {
  const s = await startTestSite({ rooms: 1, perRoom: 2, ...opts });
  sites.push(s);
  return s;
}

async function uploads(s: TestSite, token: string | null = s.server.adminToken) {
  const res = await siteFetch(`${s.url}/api/admin/uploads`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: (await res.json()) as Ack<UploadsStatus> };
}

/** Room R1 runs the junior sitting to its end; nobody logs in, so everyone is absent. */
async function runSittingToEnd(s: TestSite): Promise<string> {
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
    return ended.value.answerPackage;
  } finally {
    p.disconnect();
  }
}

function receiptFor(
  _s: TestSite,
  r: Partial<Receipt> & { sittingId: string; packageSha256: string },
): Receipt {
  return {
    receiptId: 'R-1',
    examId: 'EXAM',
    siteId: 'SITE-T',
    size: 100,
    counts: { candidates: 2, handedIn: 0, changes: 0 },
    final: true,
    version: 1,
    flagged: false,
    receivedAt: new Date().toISOString(),
    ...r,
  };
}

describe('the site admin’s upload list', () => {
  it('says no receiver is configured when none was given, and uploads nothing', async () => {
    const s = await site();
    await runSittingToEnd(s);
    const r = await uploads(s);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      ok: true,
      value: { receiverUrl: null, note: expect.stringMatching(/no receiver configured/i), sittings: [] },
    });
  });

  it('is refused without the admin token', async () => {
    const s = await site();
    expect(await uploads(s, null)).toMatchObject({
      status: 401,
      body: { ok: false, error: { code: 'UNAUTHORIZED' } },
    });
    expect((await uploads(s, 'x'.repeat(s.server.adminToken.length))).status).toBe(401);
  });
});

describe('the receiver’s identity', () => {
  it('sends no byte to a server whose certificate is the centre’s but not the receiver’s, and retries later', async () => {
    // A machine holding a certificate the same centre issued, for another role (here a site
    // server's): the chain verifies, so only the role and name check stand in the way.
    const s0 = await site();
    const requests: string[] = [];
    const rogue = createServer(
      { cert: s0.pki.siteTls.certPem, key: s0.pki.siteTls.privateKeyPem },
      (req, res) => {
        requests.push(`${req.method} ${req.url}`);
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"ok":true,"uploadId":"u","offset":0}');
      },
    );
    await new Promise<void>((resolve) => rogue.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => rogue.close(() => resolve())));
    const address = rogue.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    await s0.stop();
    sites.splice(0);
    const s = await site({
      upload: { receiverUrl: `https://127.0.0.1:${address.port}`, firstRetryMs: 20, maxRetryMs: 50 },
    });
    await runSittingToEnd(s);
    // It keeps trying (backoff), and every attempt is refused at the handshake.
    await expect
      .poll(async () => (await uploads(s)).body, { timeout: 20_000 })
      .toMatchObject({ ok: true, value: { sittings: [{ sittingId: SITTING, state: 'failed', offset: 0 }] } });
    await expect
      .poll(async () => {
        const b = (await uploads(s)).body;
        return b.ok ? b.value.sittings[0]!.attempts : 0;
      })
      .toBeGreaterThanOrEqual(2);
    const b = (await uploads(s)).body;
    if (!b.ok) throw new Error(b.error.message);
    expect(b.value.sittings[0]!.lastError).toMatch(/SERVER_IDENTITY|ERR_TLS_CERT_ALTNAME_INVALID/);
    expect(requests).toEqual([]);
  });
});

describe('the receiver’s acknowledgements', () => {
  it('never believes an acknowledged offset above what was sent: nothing is committed, nothing completed', async () => {
    // A server with the receiver's credential (from the same centre) that claims every chunk
    // completed the whole package: a receiver that is wrong, or not ours in the way it counts.
    const s0 = await site();
    const tls = issueReceiverTlsCredential(s0.pki.centre);
    await s0.stop();
    sites.splice(0);
    const requests: string[] = [];
    let announced = 0;
    const liar = createServer({ cert: tls.certPem, key: tls.privateKeyPem }, (req, res) => {
      requests.push(`${req.method} ${req.url}`);
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        const starting = req.method === 'POST' && req.url === '/api/uploads';
        if (starting)
          announced = (JSON.parse(Buffer.concat(parts).toString('utf8')) as { size: number }).size;
        const reply = starting ? { ok: true, uploadId: 'u-1', offset: 0 } : { ok: true, offset: announced };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      });
    });
    await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => liar.close(() => resolve())));
    const address = liar.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const s = await site({
      upload: {
        receiverUrl: `https://127.0.0.1:${address.port}`,
        chunkBytes: 256,
        chunksInFlight: 3,
        firstRetryMs: 20,
        maxRetryMs: 50,
      },
    });
    await runSittingToEnd(s);
    await expect
      .poll(async () => (await uploads(s)).body, { timeout: 20_000 })
      .toMatchObject({ ok: true, value: { sittings: [{ sittingId: SITTING, state: 'failed', offset: 0 }] } });
    const b = (await uploads(s)).body;
    if (!b.ok) throw new Error(b.error.message);
    expect(b.value.sittings[0]!.lastError).toMatch(/^BAD_REPLY: .*not the end of the chunk sent/);
    expect(b.value.sittings[0]!.receipt).toBeNull();
    expect(announced).toBeGreaterThan(3 * 256);
    // Chunks went (the window), but the package was never declared complete.
    expect(requests.filter((r) => r.startsWith('PATCH')).length).toBeGreaterThan(0);
    expect(requests.filter((r) => r.endsWith('/complete'))).toEqual([]);
  });
  it('asks the receiver where it is when a chunk is refused for its offset, and goes on from there', async () => {
    // An in-order receiver (in memory) whose first reply is lost in the way that matters: the
    // chunk was stored, the site hears only where the receiver now is. Chunks sent behind it
    // in the window may be stored too; each byte must be stored once, in order.
    const s0 = await site();
    const tls = issueReceiverTlsCredential(s0.pki.centre, { validFrom: new Date('2020-01-01T00:00:00Z') });
    await s0.stop();
    sites.splice(0);
    const requests: string[] = [];
    let stored = Buffer.alloc(0);
    let announced = { sha256: '', size: 0 };
    let first = true;
    const receiver = createServer({ cert: tls.certPem, key: tls.privateKeyPem }, (req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        const body = Buffer.concat(parts);
        const send = (status: number, reply: unknown) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
        const mismatch = () =>
          send(409, {
            ok: false,
            error: { code: 'OFFSET_MISMATCH', message: 'elsewhere', offset: stored.length },
          });
        if (req.method === 'POST' && req.url === '/api/uploads') {
          requests.push(`start at ${stored.length}`);
          announced = JSON.parse(body.toString('utf8')) as typeof announced;
          return send(200, { ok: true, uploadId: 'u-1', offset: stored.length });
        }
        if (req.method === 'PATCH') {
          const offset = Number(req.headers[UPLOAD_OFFSET_HEADER]);
          if (offset !== stored.length) {
            requests.push(`refused ${offset}`);
            return mismatch();
          }
          stored = Buffer.concat([stored, body]);
          requests.push(`stored ${offset}`);
          if (first) {
            first = false;
            return mismatch();
          }
          return send(200, { ok: true, offset: stored.length });
        }
        requests.push('complete');
        if (sha256Hex(stored) !== announced.sha256)
          return send(422, { ok: false, error: { code: 'HASH_MISMATCH', message: 'no' } });
        const receipt = receiptFor(s, {
          sittingId: SITTING,
          packageSha256: announced.sha256,
          size: announced.size,
        });
        return send(200, { ok: true, receipt: signReceipt(receipt, tls) });
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => receiver.close(() => resolve())));
    const address = receiver.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const s = await site({
      upload: {
        receiverUrl: `https://127.0.0.1:${address.port}`,
        chunkBytes: 256,
        chunksInFlight: 3,
        firstRetryMs: 20,
        maxRetryMs: 50,
      },
    });
    const path = await runSittingToEnd(s);
    await expect
      .poll(async () => (await uploads(s)).body, { timeout: 20_000 })
      .toMatchObject({ ok: true, value: { sittings: [{ sittingId: SITTING, state: 'receipt-verified' }] } });
    const bytes = readFileSync(path);
    expect(stored.equals(bytes)).toBe(true);
    // One attempt: refused at its first chunk, it asked where the receiver was and went on.
    expect(requests.filter((r) => r.startsWith('start'))).toEqual([
      'start at 0',
      expect.stringMatching(/^start at [1-9]/),
    ]);
    const storedAt = requests.filter((r) => r.startsWith('stored')).map((r) => Number(r.split(' ')[1]));
    expect(storedAt).toEqual(Array.from({ length: Math.ceil(bytes.length / 256) }, (_, i) => i * 256));
    expect(requests.at(-1)).toBe('complete');
    const b = (await uploads(s)).body;
    if (!b.ok) throw new Error(b.error.message);
    expect(b.value.sittings[0]).toMatchObject({ attempts: 0, offset: bytes.length });
  });
});

describe('the receipt', () => {
  it('is taken only when signed by the centre’s receiver for this site, sitting and package', async () => {
    const s = await site();
    const ctx = s.server.ctx;
    const sha = sha256Hex(Buffer.from('the package'));
    const otherSha = sha256Hex(Buffer.from('another package'));
    queueUpload(ctx.db, { sittingId: SITTING, sha256: sha, path: '/nowhere.exampkg', size: 100, at: 1 });
    const row = getUpload(ctx.db, { sittingId: SITTING, sha256: sha })!;
    const receiver = issueReceiverTlsCredential(s.pki.centre, {
      validFrom: new Date('2020-01-01T00:00:00Z'),
    });
    const auditBefore = listAudit(ctx.db).length;

    const refusals: [string, unknown][] = [
      // Replayed: a real receipt of the receiver, for the other sitting of the day.
      [
        'another sitting',
        signReceipt(receiptFor(s, { sittingId: 'S-SENIOR', packageSha256: sha }), receiver),
      ],
      ['other bytes', signReceipt(receiptFor(s, { sittingId: SITTING, packageSha256: otherSha }), receiver)],
      [
        'another site',
        signReceipt(receiptFor(s, { sittingId: SITTING, packageSha256: sha, siteId: 'SITE-X' }), receiver),
      ],
      // Signed by the site's own key: chains to the centre root, but is not the receiver's.
      [
        'not the receiver',
        signReceipt(receiptFor(s, { sittingId: SITTING, packageSha256: sha }), s.pki.site),
      ],
      [
        'altered after signing',
        {
          ...signReceipt(receiptFor(s, { sittingId: SITTING, packageSha256: sha }), receiver),
          receipt: receiptFor(s, { sittingId: SITTING, packageSha256: sha, version: 2 }),
        },
      ],
    ];
    for (const [why, signed] of refusals) {
      expect(() => acceptReceipt(ctx, row, signed, 'network'), why).toThrow(ReceiptRefused);
    }
    expect(getUpload(ctx.db, row && { sittingId: SITTING, sha256: sha })).toMatchObject({
      state: 'queued',
      receipt: null,
    });
    expect(listAudit(ctx.db)).toHaveLength(auditBefore);

    const good = signReceipt(receiptFor(s, { sittingId: SITTING, packageSha256: sha }), receiver);
    expect(acceptReceipt(ctx, row, good, 'network')).toMatchObject({
      sittingId: SITTING,
      packageSha256: sha,
    });
    expect(getUpload(ctx.db, { sittingId: SITTING, sha256: sha })).toMatchObject({
      state: 'receipt-verified',
      sent_offset: 100,
    });
    const event = listAudit(ctx.db).at(-1)!;
    expect(event).toMatchObject({ action: 'answers.receipt-verified', subject: SITTING });
    expect(JSON.parse(event.data)).toMatchObject({ via: 'network', sha256: sha, receiptId: 'R-1' });
  });
});

async function adminPost<T>(s: TestSite, path: string, body: unknown) {
  const res = await siteFetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Ack<T> };
}

describe('media export when the uplink fails, and the receipt file', () => {
  it('writes the final package and its manifest to the folder, then takes only the matching receipt file', async () => {
    const s = await site();
    const folder = mkdtempSync(join(tmpdir(), 'usb-stick-'));
    closers.push(async () => rmSync(folder, { recursive: true, force: true }));
    // Before the sitting ends there is nothing final to carry.
    expect(await adminPost(s, `/api/admin/uploads/${SITTING}/media`, { folder })).toMatchObject({
      status: 400,
      body: { ok: false, error: { code: 'NOT_READY' } },
    });
    const path = await runSittingToEnd(s);
    expect(
      await adminPost(s, `/api/admin/uploads/${SITTING}/media`, { folder: 'relative/stick' }),
    ).toMatchObject({
      status: 400,
      body: { ok: false, error: { code: 'INVALID_MESSAGE' } },
    });
    const r = await adminPost<{ packagePath: string; manifestPath: string; sha256: string; size: number }>(
      s,
      `/api/admin/uploads/${SITTING}/media`,
      { folder },
    );
    if (!r.body.ok) throw new Error(r.body.error.message);
    const bytes = readFileSync(path);
    expect(readFileSync(r.body.value.packagePath).equals(bytes)).toBe(true);
    const manifest = JSON.parse(readFileSync(r.body.value.manifestPath, 'utf8')) as MediaManifest;
    expect(manifest).toMatchObject({
      format: 'exam-answer-media/1',
      examId: 'EXAM-TEST',
      siteId: 'SITE-T',
      sittingId: SITTING,
      sha256: sha256Hex(bytes),
      size: bytes.length,
    });
    expect((await uploads(s)).body).toMatchObject({
      ok: true,
      value: { sittings: [{ sittingId: SITTING, state: 'queued' }] },
    });

    const receiver = issueReceiverTlsCredential(s.pki.centre, {
      validFrom: new Date('2020-01-01T00:00:00Z'),
    });
    const receiptFile = (r: Partial<Receipt>) =>
      JSON.parse(
        JSON.stringify(
          signReceipt(
            receiptFor(s, { sittingId: SITTING, packageSha256: manifest.sha256, size: manifest.size, ...r }),
            receiver,
          ),
        ),
      ) as unknown;
    // Another sitting's receipt file, brought back by mistake or on purpose: matches no package here.
    expect(
      await adminPost(s, '/api/admin/uploads/receipt', receiptFile({ sittingId: 'S-SENIOR' })),
    ).toMatchObject({ status: 400, body: { ok: false, error: { code: 'UNKNOWN_PACKAGE' } } });
    // Right sitting and bytes, but not signed by the receiver.
    const forged = signReceipt(
      receiptFor(s, { sittingId: SITTING, packageSha256: manifest.sha256 }),
      s.pki.site,
    );
    expect(await adminPost(s, '/api/admin/uploads/receipt', forged)).toMatchObject({
      status: 400,
      body: { ok: false, error: { code: 'BAD_PACKAGE' } },
    });
    expect((await uploads(s)).body).toMatchObject({
      ok: true,
      value: { sittings: [{ state: 'queued', receipt: null }] },
    });

    expect(await adminPost(s, '/api/admin/uploads/receipt', receiptFile({}))).toMatchObject({
      status: 200,
      body: { ok: true, value: { sittingId: SITTING, packageSha256: manifest.sha256 } },
    });
    expect((await uploads(s)).body).toMatchObject({
      ok: true,
      value: {
        sittings: [
          { sittingId: SITTING, state: 'receipt-verified', receipt: { receiptId: 'R-1', version: 1 } },
        ],
      },
    });
    expect(JSON.parse(listAudit(s.server.ctx.db).at(-1)!.data)).toMatchObject({ via: 'media' });
  });
});
