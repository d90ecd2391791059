import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseCommand } from '@exam/cli';
import {
  createSiteServer,
  importAuthorization,
  importExamData,
  ManualClock,
  siteBackupsOf,
} from '@exam/site-server';
import { buildTestExam, testPki } from '@exam/testkit';
import Database from 'better-sqlite3';

/**
 * The site database's backup after a 2,000-candidate sitting (issue 18): a site server built
 * in-process with the exam imported, its `answer_changes` filled as a sitting leaves them
 * (every candidate handed in, `--changes` changes each over a `--items`-item paper), then the
 * site backup made `--rounds` times through the server's own job: the online snapshot, its
 * integrity check, the seal for the province and the centre, the durable write and the check
 * of the written file. Prints a table and writes bench-results/backup-<time>.json.
 */
const { values } = parseCommand({
  name: 'bench:backup',
  usage: `tsx scripts/bench/backup.ts [--candidates 2000] [--items 105] [--changes 150] [--rounds 3] [--out bench-results]
  --candidates N  candidates of the sitting (rooms of 40)
  --items N       questions in the paper
  --changes N     answer changes each candidate made
  --rounds N      backups made (the median and the max are reported)`,
  options: {
    candidates: { type: 'string', default: '2000' },
    items: { type: 'string', default: '105' },
    changes: { type: 'string', default: '150' },
    rounds: { type: 'string', default: '3' },
    out: { type: 'string', default: 'bench-results' },
  },
});
const CANDIDATES = Number(values.candidates);
const ITEMS = Number(values.items);
const CHANGES = Number(values.changes);
const ROUNDS = Number(values.rounds);
const PER_ROOM = 40;
const SITTING = 'S-J-ECON';

const dir = mkdtempSync(join(tmpdir(), 'bench-backup-'));
const pki = testPki();
const juniorStart = new Date(Date.UTC(2021, 9, 23, 0, 30));
const rooms = Math.ceil(CANDIDATES / PER_ROOM);
const built = buildTestExam(pki, { rooms, perRoom: PER_ROOM, juniorStart, items: ITEMS });
const dataDir = join(dir, 'data');
const clock = new ManualClock(juniorStart.getTime() + 100 * 60_000);
const server = createSiteServer({
  dataDir,
  clock,
  identity: {
    certPem: pki.site.certPem,
    privateKeyPem: pki.site.privateKeyPem,
    trustedRootPem: pki.centre.certPem,
  },
  tls: { certPem: pki.siteTls.certPem, privateKeyPem: pki.siteTls.privateKeyPem },
});

try {
  importExamData(server.ctx, built.examData);
  importAuthorization(server.ctx, built.authorization);

  // The sitting's answers as the writer thread leaves them: its own connection, its table.
  const fillStarted = performance.now();
  const writer = new Database(join(dataDir, 'site.db'));
  writer.pragma('journal_mode = WAL');
  const tickets = (
    writer.prepare('SELECT ticket_no FROM candidate_sittings WHERE sitting_id = ?').all(SITTING) as {
      ticket_no: string;
    }[]
  ).map((r) => r.ticket_no);
  const insert = writer.prepare(
    `INSERT INTO answer_changes (ticket_no, sitting_id, seq, item_id, value, flagged, received_at, made_at, late_arrival)
     VALUES (?, ?, ?, ?, ?, 0, ?, ?, 0)`,
  );
  const handIn = writer.prepare(
    `UPDATE candidate_sittings SET status = 'handed-in', handed_in_at = ?, hand_in_kind = 'manual'
     WHERE ticket_no = ? AND sitting_id = ?`,
  );
  const at0 = juniorStart.getTime();
  writer.transaction(() => {
    for (const [n, ticket] of tickets.entries()) {
      for (let seq = 1; seq <= CHANGES; seq++) {
        const item = `J-${String(((seq + n) % ITEMS) + 1).padStart(3, '0')}`;
        const at = at0 + seq * 30_000;
        insert.run(ticket, SITTING, seq, item, JSON.stringify('ABCD'[seq % 4]), at, at);
      }
      handIn.run(at0 + 90 * 60_000, ticket, SITTING);
    }
  })();
  writer.pragma('wal_checkpoint(TRUNCATE)');
  writer.close();
  const fillMs = performance.now() - fillStarted;
  const dbBytes = statSync(join(dataDir, 'site.db')).size;

  const job = siteBackupsOf(server.ctx);
  if (!job) throw new Error('the site server has no backup job');
  const rounds: {
    totalMs: number;
    snapshotMs: number;
    sealMs: number;
    writeMs: number;
    verifyMs: number;
    size: number;
  }[] = [];
  // How long the server's event loop was held at most while a backup ran (the seal and the
  // checks are synchronous; the snapshot pages in steps).
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    const made = await job.backupNow(SITTING);
    rounds.push({ totalMs: performance.now() - t0, ...made.timings, size: made.size });
  }
  loop.disable();
  const eventLoopDelayMaxMs = Math.round(loop.max / 1e5) / 10;
  const r1 = (x: number) => Math.round(x * 10) / 10;
  const stat = (key: 'totalMs' | 'snapshotMs' | 'sealMs' | 'writeMs' | 'verifyMs') => {
    const s = rounds.map((r) => r[key]).sort((a, b) => a - b);
    return { p50: r1(s[Math.floor((s.length - 1) / 2)]!), max: r1(s.at(-1)!) };
  };
  const result = {
    bench: 'backup',
    at: new Date().toISOString(),
    sitting: {
      candidates: tickets.length,
      rooms,
      items: ITEMS,
      changesPerCandidate: CHANGES,
      answerChanges: tickets.length * CHANGES,
    },
    siteDbBytes: dbBytes,
    fillMs: r1(fillMs),
    rounds: ROUNDS,
    ms: {
      total: stat('totalMs'),
      snapshotAndIntegrityCheck: stat('snapshotMs'),
      seal: stat('sealMs'),
      durableWrite: stat('writeMs'),
      readBackAndVerify: stat('verifyMs'),
    },
    backupBytes: rounds.at(-1)!.size,
    eventLoopDelayMaxMs,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
  };
  const row = (name: string, s: { p50: number; max: number }) =>
    `| ${name.padEnd(36)} | ${s.p50.toFixed(1).padStart(8)} | ${s.max.toFixed(1).padStart(8)} |`;
  process.stdout.write(
    [
      `Site backup after a ${tickets.length}-candidate sitting (${result.sitting.answerChanges} answer changes; site.db ${(dbBytes / 1e6).toFixed(1)} MB)`,
      '| step (ms)                            |      p50 |      max |',
      '|--------------------------------------|----------|----------|',
      row('online snapshot + integrity_check', result.ms.snapshotAndIntegrityCheck),
      row('seal (sign, encrypt for 2)', result.ms.seal),
      row('durable write', result.ms.durableWrite),
      row('read back, hash and signature', result.ms.readBackAndVerify),
      row('total', result.ms.total),
      `backup file ${(result.backupBytes / 1e6).toFixed(1)} MB; event loop held at most ${eventLoopDelayMaxMs} ms; load average ${result.loadAverage.join(' ')}`,
      '',
    ].join('\n'),
  );
  const outDir = resolve(values.out);
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `backup-${result.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`written ${out}\n`);
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
