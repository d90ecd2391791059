import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommand } from '@exam/cli';
import { buildRenderer, launchBrowser, proctorKeyFile, TEST_PIN } from '@exam/proctor-console/testing';
import { call, proctorSocket, SimulatedCandidate, startTestSite } from '@exam/testkit';

/**
 * Proctor dashboard under a full room: N simulated candidates (raw sockets) each saving an
 * answer every 2 s to a real site server; the console (web host in its own process, the
 * renderer in Chromium) follows the room. Measures, per save, the time from its
 * acknowledgement (sent after the commit) to the tile showing that sequence in the page,
 * and the console's CPU (host process tree + Chromium) over the run.
 *
 *   pnpm bench:proctor [--candidates 130] [--seconds 60] [--interval 2000]
 */
const { values } = parseCommand({
  name: 'bench:proctor',
  usage: `bench:proctor [--candidates 130] [--seconds 60] [--interval 2000] [--warmup 6]
  --candidates N  simulated candidates in the room, each saving every --interval ms
  --seconds S     how long to measure, after --warmup seconds`,
  options: {
    candidates: { type: 'string', default: '130' },
    seconds: { type: 'string', default: '60' },
    interval: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '6' },
  },
});
const N = Number(values.candidates);
const SECONDS = Number(values.seconds);
const INTERVAL = Number(values.interval);
const SITTING = 'S-J-ECON';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLK_TCK = 100;

const site = await startTestSite({ rooms: 1, perRoom: N, items: 105 });
const rendererDir = await buildRenderer();
const key = proctorKeyFile(site, 'R1');
writeFileSync(key.path, key.p12);
const host = spawn(
  process.execPath,
  [
    join(ROOT, 'node_modules/tsx/dist/cli.mjs'),
    join(ROOT, 'apps/proctor-console/src/host/webMain.ts'),
    '--server',
    site.url,
    '--key-file',
    key.path,
    '--renderer-dir',
    rendererDir,
  ],
  { env: { ...process.env, EXAM_PROCTOR_PIN: TEST_PIN }, stdio: ['ignore', 'pipe', 'inherit'] },
);
const url = await new Promise<string>((resolve, reject) => {
  let buf = '';
  host.stdout.on('data', (d) => {
    buf += String(d);
    const line = buf.split('\n').find((l) => l.startsWith('{'));
    if (line) resolve((JSON.parse(line) as { url: string }).url);
  });
  host.once('exit', (code) => reject(new Error(`console host exited ${code}`)));
});
const browser = await launchBrowser({ width: 1366, height: 768 });
const page = await browser.context.newPage();
await page.goto(url);
await page.getByTestId('seat-map').waitFor();

// Machines register and log in; the sitting starts from a second proctor connection.
const proctor = await proctorSocket(site, 'R1');
await call(proctor, 'login:open', { sittingId: SITTING });
const machines: SimulatedCandidate[] = [];
for (let seat = 1; seat <= N; seat++) {
  const m = await SimulatedCandidate.register(site, seat);
  await m.login();
  machines.push(m);
}
site.clock.set(site.juniorStart);
await call(proctor, 'sitting:start', { sittingId: SITTING });
await page.waitForFunction(`document.querySelectorAll('[data-state="answering"]').length === ${N}`);

// The page notes when each tile shows a new acknowledged sequence. (Page code is passed
// as text: this file is type-checked for Node, without the DOM.)
await page.evaluate(`
  window.__seen = [];
  new MutationObserver((records) => {
    const at = Date.now();
    for (const r of records) window.__seen.push([r.target.dataset.ticket ?? '', Number(r.target.dataset.ack), at]);
  }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-ack'] });
`);

const acked = new Map<string, number>();
let saves = 0;
let measuring = false;
let stop = false;
const loops = machines.map(async (m, i) => {
  await new Promise((r) => setTimeout(r, (i * INTERVAL) / N));
  let k = 0;
  while (!stop) {
    const started = Date.now();
    const item = `J-${String((k++ % 35) * 3 + 1).padStart(3, '0')}`;
    const ack = await m.save(SITTING, item, 'ABCD'[k % 4]);
    if (measuring) {
      acked.set(`${m.ticketNo}:${ack}`, Date.now());
      saves++;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, INTERVAL - (Date.now() - started))));
  }
});

await new Promise((r) => setTimeout(r, Number(values.warmup) * 1000));
await page.evaluate('window.__seen.length = 0');
const browserPids = () => pidsWhere((cmd) => cmd.includes(browser.userDataDir));
const hostPids = () => [host.pid!, ...descendants(host.pid!)];
const cpuBefore = { host: cpuTicks(hostPids()), browser: cpuTicks(browserPids()) };
const wallStart = performance.now();
measuring = true;
await new Promise((r) => setTimeout(r, SECONDS * 1000));
measuring = false;
const wall = (performance.now() - wallStart) / 1000;
const cpuAfter = { host: cpuTicks(hostPids()), browser: cpuTicks(browserPids()) };
await new Promise((r) => setTimeout(r, 1500));
const seen = (await page.evaluate('window.__seen')) as [string, number, number][];
stop = true;
await Promise.all(loops);

const latencies: number[] = [];
for (const [ticket, ack, at] of seen) {
  const t = acked.get(`${ticket}:${ack}`);
  if (t !== undefined) latencies.push(at - t);
}
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
const share = (ticks: number) => ticks / CLK_TCK / wall;
const hostCpu = share(cpuAfter.host - cpuBefore.host);
const browserCpu = share(cpuAfter.browser - cpuBefore.browser);
const result = {
  bench: 'proctor-dashboard',
  at: new Date().toISOString(),
  machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? '' },
  candidates: N,
  saveIntervalMs: INTERVAL,
  seconds: Math.round(wall),
  savesAcked: saves,
  tileUpdatesMatched: latencies.length,
  latencyMs: { p50: pct(50), p90: pct(90), p99: pct(99), max: latencies.at(-1) ?? NaN },
  cpuOneCore: { host: round(hostCpu), renderer: round(browserCpu), total: round(hostCpu + browserCpu) },
  cpuMachineShare: round((hostCpu + browserCpu) / cpus().length),
};
mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
const file = join(ROOT, 'bench-results', `proctor-dashboard-${result.at.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(
  [
    `proctor dashboard: ${N} candidates saving every ${INTERVAL} ms, ${result.seconds} s measured`,
    '| metric | value |',
    '|---|---|',
    `| saves acknowledged | ${saves} |`,
    `| tile updates matched to a save | ${latencies.length} |`,
    `| update latency p50 / p90 / p99 / max | ${pct(50)} / ${pct(90)} / ${pct(99)} / ${result.latencyMs.max} ms |`,
    `| console CPU (one core = 100%) host / renderer | ${pct100(hostCpu)} / ${pct100(browserCpu)} |`,
    `| console share of the machine (${cpus().length} cores) | ${pct100(result.cpuMachineShare)} |`,
    `JSON: ${file}`,
    '',
  ].join('\n'),
);

for (const m of machines) m.close();
proctor.disconnect();
await page.close();
await browser.close();
host.kill('SIGTERM');
await site.stop();
// Saves can still be in flight on sockets closed above; nothing else to wait for.
process.exit(0);

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
function pct100(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
function procs(): { pid: number; ppid: number; cmd: string }[] {
  const out: { pid: number; ppid: number; cmd: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      out.push({ pid: Number(name), ppid, cmd });
    } catch {
      // The process ended while being read.
    }
  }
  return out;
}
function descendants(pid: number): number[] {
  const all = procs();
  const found: number[] = [];
  const walk = (p: number) => {
    for (const c of all.filter((x) => x.ppid === p)) {
      found.push(c.pid);
      walk(c.pid);
    }
  };
  walk(pid);
  return found;
}
function pidsWhere(test: (cmd: string) => boolean): number[] {
  const roots = procs()
    .filter((p) => test(p.cmd))
    .map((p) => p.pid);
  return [...new Set([...roots, ...roots.flatMap(descendants)])];
}
function cpuTicks(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // Gone: its time is lost to this sample, which only undercounts.
    }
  }
  return ticks;
}
