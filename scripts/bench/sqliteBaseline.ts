import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { stepHeld as held, percentile } from '../load/messages.js';

/**
 * Baseline for the benchmark, run in its own process: bare better-sqlite3 inserts with the
 * site server's durability (WAL, synchronous=FULL), no network. Two figures:
 * - one transaction (one fsync) per insert: what a server without group commit could do;
 * - open-loop arrivals at a stepped rate, committed in groups (2 ms window, as the site
 *   server's GroupCommitter), latency from arrival to commit: the top rate with p99 < 100 ms.
 * Prints one JSON object on stdout. argv: candidates, step seconds, max steps.
 */
const candidates = Number(process.argv[2] ?? 2000);
const stepSeconds = Number(process.argv[3] ?? 5);
const maxSteps = Number(process.argv[4] ?? 12);

const dir = mkdtempSync(join(tmpdir(), 'sqlite-baseline-'));
const db = new Database(join(dir, 'bench.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(`CREATE TABLE answer_changes (
  ticket_no TEXT NOT NULL, sitting_id TEXT NOT NULL, seq INTEGER NOT NULL, item_id TEXT NOT NULL,
  value TEXT NOT NULL, flagged INTEGER NOT NULL, received_at INTEGER NOT NULL,
  PRIMARY KEY (ticket_no, sitting_id, seq)) STRICT`);
const insert = db.prepare(
  'INSERT OR IGNORE INTO answer_changes (ticket_no, sitting_id, seq, item_id, value, flagged, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
);
const seqs = new Array<number>(candidates).fill(0);
let next = 0;
function insertOne(): void {
  const c = next++ % candidates;
  insert.run(`T${c}`, 'S-J-ECON', ++seqs[c]!, 'J-001', '"A"', 0, Date.now());
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function perRowRate(ms: number): number {
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms) {
    insertOne();
    n++;
  }
  return Math.round(n / ((performance.now() - t0) / 1000));
}

const commitGroup = db.transaction((n: number) => {
  for (let i = 0; i < n; i++) insertOne();
});

async function groupCommitStep(rate: number, ms: number) {
  const t0 = performance.now();
  let arrived = 0;
  let committed = 0;
  const latencies: number[] = [];
  while (performance.now() - t0 < ms) {
    const now = performance.now();
    const due = Math.floor(((now - t0) / 1000) * rate);
    arrived = Math.max(arrived, due);
    const oldestAt = t0 + (committed / rate) * 1000;
    if (arrived > committed && now - oldestAt >= 2) {
      const n = Math.min(2000, arrived - committed);
      commitGroup(n);
      const end = performance.now();
      for (let k = committed; k < committed + n; k++) latencies.push(end - (t0 + (k / rate) * 1000));
      committed += n;
    } else {
      await sleep(1);
    }
  }
  latencies.sort((a, b) => a - b);
  return {
    offeredRate: rate,
    achievedRate: Math.round(committed / (ms / 1000)),
    p50: Math.round(percentile(latencies, 50) * 100) / 100,
    p99: Math.round(percentile(latencies, 99) * 100) / 100,
  };
}

const perRow = perRowRate(3000);
const steps: Awaited<ReturnType<typeof groupCommitStep>>[] = [];
let rate = 2000;
let top = 0;
for (let i = 0; i < maxSteps; i++) {
  let s = await groupCommitStep(rate, stepSeconds * 1000);
  steps.push(s);
  // A miss counts only if it repeats, as in the site and socket.io runs (site-load.ts).
  if (!held(s)) {
    s = await groupCommitStep(rate, stepSeconds * 1000);
    steps.push(s);
  }
  if (!held(s)) break;
  top = s.achievedRate;
  rate = Math.round(rate * 2);
}
db.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ perRowCommitsPerSec: perRow, groupCommitTopRate: top, steps })}\n`);
