import { type ChildProcess, spawn } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { type Credential, RECEIVER_HOST_NAME, verifyReceipt } from '@exam/centre';
import {
  answerPackageBytes,
  type ChildReceiver,
  issueUnderCentre,
  killHard,
  spawnReceiver,
  startPostgresCluster,
  TEST_CENTRE_PIN,
  writeCentreDir,
} from '@exam/centre-server/testing';
import { parseCommand } from '@exam/cli';
import { fromPkcs12, sha256Hex } from '@exam/crypto';
import { UPLOAD_RULES } from '@exam/domain';
import { UPLOAD_OFFSET_HEADER } from '@exam/protocol';
import { startTestSite, type TestSite, testPki } from '@exam/testkit';

/**
 * Issue 18's upload figures, in one run (docs/BENCHMARKS.md):
 *  1. A 2,000-candidate sitting's answer package (120 answer changes per candidate, the
 *     receiver tests' generator in the site's package format: signed, encrypted to the
 *     centre, an audit chain that reconciles) sent by the site server's own Uploader (chunks
 *     of each size in --chunks-kib, with each window in --in-flight; each chunk fsync'd and
 *     recorded on both sides, then the receiver's full verification
 *     and the signed receipt the site checks) to the real `centre-server` in a process of its
 *     own, over loopback HTTPS with mutual TLS; against a bare HTTPS upload of the same bytes
 *     (node https client streaming the file, one request, to upload-bare-server.ts: the same
 *     TLS credentials, the body written to a file and fsync'd). Rounds alternate.
 *  2. 50 sites uploading at once (50 site certificates from the centre PKI, a distinct
 *     package each) to the receiver on SQLite and then on PostgreSQL: packages/s and MB/s
 *     from the first request to the last receipt, every receipt verified.
 * Prints a table and writes bench-results/upload-<time>.json.
 */
const { values } = parseCommand({
  name: 'bench:upload',
  usage: `tsx scripts/bench/upload.ts [--candidates 2000] [--changes 120] [--rounds 3] [--chunks-kib 256,4096]
                             [--in-flight 1,2] [--sites 50] [--site-candidates 300] [--out bench-results]
  --candidates N       candidates in the single sitting's package
  --changes N          answer changes per candidate
  --rounds N           alternating rounds of the Uploader and the bare upload (medians reported)
  --chunks-kib LIST    the Uploader's chunk sizes to measure (4096 KiB is the site's default)
  --in-flight LIST     chunks the Uploader keeps in flight (1: stop-and-wait; 2 is the site's default)
  --sites N            sites uploading at once in part 2
  --site-candidates N  candidates in each of those sites' packages`,
  options: {
    candidates: { type: 'string', default: '2000' },
    changes: { type: 'string', default: '120' },
    rounds: { type: 'string', default: '3' },
    'chunks-kib': { type: 'string', default: '256,4096' },
    'in-flight': { type: 'string', default: '1,2' },
    sites: { type: 'string', default: '50' },
    'site-candidates': { type: 'string', default: '300' },
    out: { type: 'string', default: 'bench-results' },
  },
});
const CANDIDATES = Number(values.candidates);
const CHANGES = Number(values.changes);
const ROUNDS = Number(values.rounds);
const CHUNKS_KIB = values['chunks-kib'].split(',').map(Number);
const IN_FLIGHT = values['in-flight'].split(',').map(Number);
/** Each chunk size with each window: the Uploader's settings measured, one site server each. */
const VARIANTS = CHUNKS_KIB.flatMap((kib) => IN_FLIGHT.map((inFlight) => ({ kib, inFlight })));
const variantName = (v: { kib: number; inFlight: number }) => `${v.kib}K-${v.inFlight}W`;
const SITES = Number(values.sites);
const SITE_CANDIDATES = Number(values['site-candidates']);
const MB = 1e6;
const TSX = createRequire(import.meta.url).resolve('tsx');
const round1 = (x: number) => Math.round(x * 10) / 10;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? Number.NaN;

const loadAtStart = loadavg();
const pki = testPki();
const root = mkdtempSync(join(tmpdir(), 'bench-upload-'));
const centreDir = join(root, 'centre');
const SITTINGS = VARIANTS.flatMap((v) =>
  Array.from({ length: ROUNDS }, (_, i) => `S-BENCH-${variantName(v)}-${i + 1}`),
);
const examOne = writeCentreDir(centreDir, pki.centre, {
  examId: 'EXAM-TEST',
  sites: [{ siteId: pki.site.siteId, sittingIds: SITTINGS }],
});
const fleetSites = Array.from({ length: SITES }, (_, i) => `SITE-${String(i + 1).padStart(3, '0')}`);
const examFleet = join(centreDir, 'BENCH-FLEET.receiver.json');
writeFileSync(
  examFleet,
  JSON.stringify({
    examId: 'BENCH-FLEET',
    sites: fleetSites.map((siteId) => ({ siteId, sittingIds: ['B1'] })),
  }),
);

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
async function cleanup() {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
}

async function receiverOn(dataDir: string, databaseUrl?: string): Promise<ChildReceiver> {
  const r = await spawnReceiver([
    '--data-dir',
    dataDir,
    '--identity-dir',
    centreDir,
    '--exam',
    examOne,
    '--exam',
    examFleet,
    ...(databaseUrl ? ['--database-url', databaseUrl] : []),
  ]);
  cleanups.push(() => killHard(r));
  return r;
}

/** The bare server in a process of its own, with the receiver's own TLS credential. */
async function bareServer(): Promise<string> {
  const tls = fromPkcs12(readFileSync(join(centreDir, 'receiver-tls.p12')), TEST_CENTRE_PIN);
  const certDir = join(root, 'bare-tls');
  const outDir = join(root, 'bare-out');
  mkdirSync(certDir);
  mkdirSync(outDir);
  writeFileSync(join(certDir, 'key.pem'), tls.privateKeyPem);
  writeFileSync(join(certDir, 'cert.pem'), tls.certPem);
  writeFileSync(join(certDir, 'ca.pem'), pki.centre.certPem);
  const script = new URL('./upload-bare-server.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', TSX, script, certDir, outDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const line = await new Promise<string>((ok, fail) => {
    child.once('exit', (code) => fail(new Error(`bare server exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', ok);
  });
  return `https://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;
}

/** One streamed POST of the file over mutual TLS: the ideal upload. */
function bareUpload(url: string, path: string, size: number, client: Credential): Promise<number> {
  const t0 = performance.now();
  return new Promise((ok, fail) => {
    const req = request(
      `${url}/upload`,
      {
        method: 'POST',
        ca: [pki.centre.certPem],
        cert: client.certPem,
        key: client.privateKeyPem,
        servername: RECEIVER_HOST_NAME,
        agent: false,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => {
          const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as { bytes: number };
          if (body.bytes !== size) fail(new Error(`bare server stored ${body.bytes} of ${size} bytes`));
          else ok(performance.now() - t0);
        });
      },
    );
    req.on('error', fail);
    createReadStream(path).pipe(req);
  });
}

/** The site records a final package as its writer does; its Uploader takes it from there. */
function uploadBySite(site: TestSite, p: { sittingId: string; path: string; sha256: string }) {
  const ctx = site.server.ctx;
  return new Promise<{ totalMs: number; transferMs: number; completeMs: number }>((ok, fail) => {
    const t0 = performance.now();
    let lastChunk = t0;
    const onProgress = (e: { sittingId: string; state: string; offset: number; size: number }) => {
      if (e.sittingId !== p.sittingId) return;
      if (e.state === 'uploading' && e.offset === e.size) lastChunk = performance.now();
      if (e.state === 'failed') fail(new Error(`upload of ${p.sittingId} failed`));
      if (e.state === 'receipt-verified') {
        ctx.events.off('upload-progress', onProgress);
        const end = performance.now();
        ok({ totalMs: end - t0, transferMs: lastChunk - t0, completeMs: end - lastChunk });
      }
    };
    ctx.events.on('upload-progress', onProgress);
    ctx.db
      .prepare(
        `INSERT INTO answer_packages (path, sitting_id, finality, rooms_not_ended, sha256, exported_at)
         VALUES (?, ?, 'final', '[]', ?, ?)`,
      )
      .run(p.path, p.sittingId, p.sha256, ctx.clock.now());
    ctx.events.emit('answer-package-written', {
      sittingId: p.sittingId,
      path: p.path,
      sha256: p.sha256,
      finality: 'final',
    });
  });
}

try {
  // ---- 1. One sitting: the site's Uploader against the bare upload -------------------------
  const receiver = await receiverOn(join(root, 'receiver-sqlite'));
  const bareUrl = await bareServer();
  const packagesDir = join(root, 'site-packages');
  mkdirSync(packagesDir);
  const packages = SITTINGS.map((sittingId) => {
    const bytes = answerPackageBytes(pki.site, pki.centre, {
      examId: 'EXAM-TEST',
      siteId: pki.site.siteId,
      sittingId,
      candidates: CANDIDATES,
      changesPerCandidate: CHANGES,
    });
    const path = join(packagesDir, `bench-${sittingId}.exampkg`);
    writeFileSync(path, bytes);
    return { sittingId, path, size: bytes.length, sha256: sha256Hex(bytes) };
  });
  const size = packages[0]!.size;
  console.log(
    `package: ${CANDIDATES} candidates × ${CHANGES} changes = ${round1(size / MB)} MB; load ${loadAtStart.map(round1).join(' ')}`,
  );
  const bareMs: number[] = [];
  // A warm-up (JIT, page cache), not counted.
  await bareUpload(bareUrl, packages[0]!.path, size, pki.site);
  const uploader: Record<string, number | number[]>[] = [];
  for (const v of VARIANTS) {
    const site = await startTestSite({
      rooms: 1,
      perRoom: 2,
      upload: { receiverUrl: receiver.url, chunkBytes: v.kib * 1024, chunksInFlight: v.inFlight },
    });
    const runs: { totalMs: number; transferMs: number; completeMs: number }[] = [];
    try {
      for (const p of packages.filter((x) => x.sittingId.startsWith(`S-BENCH-${variantName(v)}-`))) {
        bareMs.push(await bareUpload(bareUrl, p.path, p.size, pki.site));
        runs.push(await uploadBySite(site, p));
      }
    } finally {
      await site.stop();
    }
    uploader.push({
      chunkKiB: v.kib,
      inFlight: v.inFlight,
      MBs: round1(size / MB / (median(runs.map((r) => r.totalMs)) / 1000)),
      ms: runs.map((r) => Math.round(r.totalMs)),
      transferMBs: round1(size / MB / (median(runs.map((r) => r.transferMs)) / 1000)),
      verifyAndReceiptMs: runs.map((r) => Math.round(r.completeMs)),
    });
  }
  const bareRate = size / MB / (median(bareMs) / 1000);
  for (const u of uploader) {
    u.ratio = Math.round(((u.MBs as number) / bareRate) * 100) / 100;
    u.transferRatio = Math.round(((u.transferMBs as number) / bareRate) * 100) / 100;
    console.log(
      `1. ${u.chunkKiB} KiB chunks, ${u.inFlight} in flight: site Uploader ${u.MBs} MB/s to the verified receipt ` +
        `(${Math.round((u.ratio as number) * 100)} % of bare ${round1(bareRate)} MB/s); the chunks alone ` +
        `${u.transferMBs} MB/s (${Math.round((u.transferRatio as number) * 100)} %); ` +
        `verification + receipt ${(u.verifyAndReceiptMs as number[]).join('/')} ms`,
    );
  }
  const single = {
    packageMB: round1(size / MB),
    candidates: CANDIDATES,
    changesPerCandidate: CHANGES,
    rounds: ROUNDS,
    bareMBs: round1(bareRate),
    bareMs: bareMs.map(Math.round),
    uploader,
  };

  // ---- 2. 50 sites at once, on SQLite and on PostgreSQL --------------------------------------
  const identities = fleetSites.map((siteId) =>
    issueUnderCentre(pki.centre, { commonName: `Site ${siteId}`, role: 'site', siteId }),
  );
  const fleetPackages = fleetSites.map((siteId, i) =>
    answerPackageBytes(identities[i]!, pki.centre, {
      examId: 'BENCH-FLEET',
      siteId,
      sittingId: 'B1',
      candidates: SITE_CANDIDATES,
      changesPerCandidate: CHANGES,
    }),
  );
  const fleetBytes = fleetPackages.reduce((n, b) => n + b.length, 0);
  const fleet: Record<string, unknown> = {};
  await killHard(receiver);
  const cluster = await startPostgresCluster();
  cleanups.push(() => cluster.stop());
  for (const backend of ['sqlite', 'postgres'] as const) {
    const r =
      backend === 'sqlite'
        ? await receiverOn(join(root, 'receiver-fleet-sqlite'))
        : await receiverOn(join(root, 'receiver-fleet-pg'), await cluster.createDatabase('bench_fleet'));
    const t0 = performance.now();
    const receipts = await Promise.all(
      identities.map((identity, i) => chunkedUpload(r.url, identity, fleetPackages[i]!)),
    );
    const ms = performance.now() - t0;
    receipts.forEach((signed, i) => {
      verifyReceipt(signed, {
        centreRootPem: pki.centre.certPem,
        expectedSiteId: fleetSites[i]!,
        expectedSittingId: 'B1',
        expectedSha256: sha256Hex(fleetPackages[i]!),
      });
    });
    fleet[backend] = {
      sites: SITES,
      totalMB: round1(fleetBytes / MB),
      seconds: round1(ms / 1000),
      packagesPerSecond: Math.round((SITES / (ms / 1000)) * 100) / 100,
      MBs: round1(fleetBytes / MB / (ms / 1000)),
      receiptsVerified: receipts.length,
    };
    console.log(`2. ${SITES} sites at once on ${backend}:`, fleet[backend]);
    await killHard(r);
  }

  const loadAtEnd = loadavg();
  const results = {
    issue: 18,
    at: new Date().toISOString(),
    cpus: cpus().length,
    loadAtStart: loadAtStart.map(round1),
    loadAtEnd: loadAtEnd.map(round1),
    single,
    fleet: { siteCandidates: SITE_CANDIDATES, packageMB: round1(fleetBytes / SITES / MB), ...fleet },
  };
  const out = resolve(values.out);
  mkdirSync(out, { recursive: true });
  const file = join(out, `upload-${results.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`load at end ${loadAtEnd.map(round1).join(' ')}; written to ${file}`);
} finally {
  await cleanup();
}

/**
 * A site's upload as the Uploader does it (announce, chunks of `UPLOAD_RULES.chunkBytes` each
 * acknowledged with the stored offset, one at a time: a 3.3 MB package is one chunk; complete) over one kept-alive mutual-TLS connection; the signed receipt.
 */
async function chunkedUpload(url: string, client: Credential, bytes: Buffer) {
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 1,
    ca: [pki.centre.certPem],
    cert: client.certPem,
    key: client.privateKeyPem,
    servername: RECEIVER_HOST_NAME,
  });
  const send = (method: string, path: string, body: Buffer, headers: Record<string, string>) =>
    new Promise<Record<string, unknown>>((ok, fail) => {
      const req = request(
        `${url}${path}`,
        { method, agent, headers: { ...headers, 'content-length': String(body.length) } },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.push(d));
          res.on('end', () => {
            const reply = JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>;
            if (reply.ok !== true) fail(new Error(`${method} ${path}: ${JSON.stringify(reply)}`));
            else ok(reply);
          });
        },
      );
      req.on('error', fail);
      req.end(body);
    });
  const json = { 'content-type': 'application/json' };
  try {
    const started = await send(
      'POST',
      '/api/uploads',
      Buffer.from(JSON.stringify({ sha256: sha256Hex(bytes), size: bytes.length, fileName: 'B1.exampkg' })),
      json,
    );
    const uploadId = started.uploadId as string;
    for (let offset = started.offset as number; offset < bytes.length; ) {
      const chunk = bytes.subarray(offset, offset + UPLOAD_RULES.chunkBytes);
      const stored = await send('PATCH', `/api/uploads/${uploadId}`, chunk, {
        'content-type': 'application/octet-stream',
        [UPLOAD_OFFSET_HEADER]: String(offset),
      });
      offset = stored.offset as number;
    }
    return (await send('POST', `/api/uploads/${uploadId}/complete`, Buffer.from('{}'), json)).receipt;
  } finally {
    agent.destroy();
  }
}
