import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseCommand, usageExit } from '@exam/cli';
import { GeneratorProcess } from '../load/generatorClient.js';
import { LoopLog } from '../load/loopLog.js';
import { stepHeld as held, type SavesResult, STEP_P99_MS } from '../load/messages.js';
import {
  importPackages,
  ProcMonitor,
  prepareSite,
  REPO_ROOT,
  round1,
  startSiteProcess,
  stopProcess,
  writeChiefKey,
} from '../load/site.js';

/**
 * `pnpm bench`: the site server under a whole sitting's load, with its baselines measured
 * in the same run on the same machine. Server, generator and baselines each run in their
 * own process; see docs/BENCHMARKS.md for what each figure means and its target.
 */
const BENCH = {
  name: 'bench',
  usage: `bench [--candidates 1..20000] [--sustain-seconds S] [--step-seconds S] [--max-steps 1..20]
             [--out DIR] [--cpu-prof DIR] [--from-rate R --site-only] [--overbooked]
  --candidates N   simulated candidates (default 2000; 200 for a quick run)
  --out DIR        where the JSON results go (default bench-results)
  --cpu-prof DIR   V8 CPU profiles of the site server and the load generator
  --from-rate R --site-only  profile one rate: the first step's rate, and no baselines
  --overbooked     run the site as overbooked: no arranged seats, logins at free machines`,
  options: {
    candidates: { type: 'string', default: '2000' },
    'sustain-seconds': { type: 'string', default: '30' },
    'step-seconds': { type: 'string', default: '8' },
    // Enough for the bare baseline to find its own limit at 2000 candidates (600 × 1.5^8).
    'max-steps': { type: 'string', default: '9' },
    out: { type: 'string', default: 'bench-results' },
    // Writes V8 CPU profiles of the site server and its load generator into this directory.
    'cpu-prof': { type: 'string' },
    // For profiling one rate: the first step's rate, and no baselines (no ratios then).
    'from-rate': { type: 'string' },
    'site-only': { type: 'boolean', default: false },
    // An overbooked site (issue 19): no arranged seats, each candidate logs in at a free machine.
    overbooked: { type: 'boolean', default: false },
  },
} as const;
const { values } = parseCommand(BENCH);
const N = Number(values.candidates);
const sustainS = Number(values['sustain-seconds']);
const stepS = Number(values['step-seconds']);
const maxSteps = Number(values['max-steps']);
const fromRate = values['from-rate'] === undefined ? Math.round((N / 5) * 1.5) : Number(values['from-rate']);
if (
  ![N, sustainS, stepS, maxSteps, fromRate].every((x) => Number.isInteger(x) && x > 0) ||
  N > 20_000 ||
  maxSteps > 20
) {
  usageExit(
    BENCH,
    'the counts and durations are whole numbers above 0 (candidates up to 20000, steps up to 20)',
  );
}

const MIN = 60_000;
const TARGETS = Object.freeze({
  loginMs: 10_000,
  allHoldKeyMs: 5_000,
  sustainedP99Ms: 50,
  topRateVsBare: 0.5,
  /** TLS costs handshakes and per-record encryption; the site must keep 80 % of its plain rate. */
  tlsVsPlain: 0.8,
  peakRssMb: 500,
  stepP99Ms: STEP_P99_MS,
});
const say = (line: string) => process.stdout.write(`${line}\n`);
const dir = mkdtempSync(join(tmpdir(), 'site-bench-'));
const profDir = values['cpu-prof'] ? resolve(values['cpu-prof']) : null;
const profArgs = (name: string) =>
  // One directory per process: tsx's loader thread writes a profile of its own there too.
  profDir ? ['--cpu-prof', '--cpu-prof-dir', join(profDir, name)] : [];

/** One measured step at `rate`, printed. */
async function step(gen: GeneratorProcess, rate: number, label: string, mons: readonly { phase: string }[]) {
  for (const m of mons) m.phase = `step ${rate}/s`;
  const s = await gen.saves(rate, stepS * 1000, 3000);
  say(
    `  ${label} offered ${rate}/s: achieved ${s.achievedRate}/s, p50 ${s.p50} ms, p99 ${s.p99} ms` +
      ` (generator loop p99 ${s.generatorLoopMs.p99} ms)` +
      (s.unanswered ? `, ${s.unanswered} unanswered` : '') +
      (Object.keys(s.errors).length ? `, errors ${JSON.stringify(s.errors)}` : ''),
  );
  return s;
}

/**
 * Measures `rate`; a step that misses is measured once more before it counts as missed.
 * On this shared 2-core machine one stall of the box (seen in the bare baseline too, whose
 * server does nothing) can lift an 8-second step's p99 over the line; the top rate is what
 * the server sustains, so a miss must repeat. Both attempts are kept in the results, and
 * the site and both baselines are measured the same way.
 */
async function measure(
  gen: GeneratorProcess,
  rate: number,
  label: string,
  mons: readonly { phase: string }[],
) {
  const first = await step(gen, rate, label, mons);
  if (held(first)) return { counted: first, attempts: [first] };
  const again = await step(gen, rate, `${label} (again)`, mons);
  return { counted: held(again) ? again : first, attempts: [first, again] };
}

/** Halvings of the gap between the last rate that held and the first that missed. */
const BISECTIONS = 2;

/**
 * Steps the offered save rate up ×1.5 until a step misses (twice: see `measure`), at most
 * `limit` steps, then halves the gap between the last rate that held and the first that
 * missed `BISECTIONS` times: the ladder alone can leave the top rate up to a rung (a third)
 * below the limit, and each halving halves that. The site and the bare baseline are
 * measured alike, so their ratio does not hang on where each limit falls between two rungs.
 * `limitReached` is false when every step held: the top rate is then only a lower bound.
 */
async function stepRates(
  gen: GeneratorProcess,
  from: number,
  label: string,
  mons: readonly { phase: string }[],
  limit: number,
  first?: SavesResult,
) {
  const steps: SavesResult[] = [];
  let rate = from;
  let top = 0;
  // The phase that gave `top`, to find the server's figures for it.
  let topPhase = 'sustained';
  let lastHeld: number | null = null;
  // The sustained run counts as the first step: if it already misses, there is no higher rate.
  if (first) {
    if (!held(first)) return { top, topPhase, steps, limitReached: true };
    top = first.achievedRate;
    lastHeld = first.offeredRate;
  }
  let missedAt: number | null = null;
  for (let i = 0; i < limit; i++) {
    const { counted: s, attempts } = await measure(gen, rate, label, mons);
    steps.push(...attempts);
    if (!held(s)) {
      missedAt = rate;
      break;
    }
    if (s.achievedRate > top) {
      top = s.achievedRate;
      topPhase = `step ${rate}/s`;
    }
    lastHeld = rate;
    rate = Math.round(rate * 1.5);
  }
  let low = lastHeld;
  let high = missedAt;
  for (let i = 0; i < BISECTIONS && low !== null && high !== null; i++) {
    const between = Math.round((low + high) / 2);
    const { counted: s, attempts } = await measure(gen, between, `${label} (between)`, mons);
    steps.push(...attempts);
    if (!held(s)) {
      high = between;
      continue;
    }
    low = between;
    if (s.achievedRate > top) {
      top = s.achievedRate;
      topPhase = `step ${s.offeredRate}/s`;
    }
  }
  return { top, topPhase, steps, limitReached: missedAt !== null };
}

/**
 * The whole sitting against the site server: over TLS (as sites run it), or with `plain`
 * the same code without TLS, to measure what TLS costs (the benchmark's plain baseline).
 */
async function siteRun(plain = false) {
  say(
    `Site server${plain ? ' WITHOUT TLS (baseline: the same code, plain HTTP)' : ' (HTTPS/WSS)'}: ${N} candidates, ` +
      `rooms of 40, the chief examiner's key as each room's console`,
  );
  // Other jobs on the machine move every figure here; the load average says how busy it was.
  const loadAtStart = loadavg()[0]!;
  const scheduledStart = Math.ceil(Date.now() / MIN) * MIN + 60 * MIN;
  const site = prepareSite(join(dir, plain ? 'site-plain' : 'site'), {
    candidates: N,
    scheduledStart,
    overbooked: values.overbooked,
  });
  // The server clock runs fast so the earliest hand-in (75 minutes in) comes at the end of
  // the run and the automatic hand-in (90 minutes) only after it.
  // Every step, a second attempt at the one that missed, and the halvings, each of which may
  // be measured twice.
  const afterStartS = 15 + sustainS + (maxSteps + 1 + 2 * BISECTIONS) * (stepS + 5);
  const scale = Math.max(1, Math.round((90 * MIN) / ((afterStartS + 30) * 1000)));
  const loop = new LoopLog();
  const proc = await startSiteProcess(site, {
    // Login may open from 30 minutes before; the start waits for the scheduled time.
    clock: { startAt: scheduledStart - 2 * MIN, scale },
    nodeArgs: profArgs('site-server'),
    loopStatsMs: 1000,
    onLog: (e) => loop.add(e),
    insecurePlainForBenchmark: plain,
  });
  const mon = new ProcMonitor(proc.pid);
  try {
    mon.phase = 'import';
    await importPackages(proc, site);
    const ackLogPath = join(dir, 'site-acks.log');
    const gen = await GeneratorProcess.start(
      {
        url: proc.url,
        mode: 'site',
        candidates: N,
        perRoom: site.perRoom,
        ackLogPath,
        chiefKeyPath: writeChiefKey(site),
        siteId: 'SITE-T',
        ...(plain ? {} : { centreRootPem: site.pki.centre.certPem }),
        reconnect: false,
        seed: 42,
      },
      profArgs('site-generator'),
    );
    // The generator shares the machine: its CPU shows when it, not the server, is the limit.
    const genMon = new ProcMonitor(gen.child.pid!);
    const phase = (name: string) => {
      for (const m of [mon, genMon, loop]) m.phase = name;
    };
    try {
      phase('login storm');
      const setup = await gen.setup();
      say(
        `  login storm: connect ${round1(setup.connectMs)} ms, machine proof ${round1(setup.registerMs)} ms, ` +
          `login ${round1(setup.loginMs)} ms, total ${round1(setup.stormMs)} ms (${setup.loggedIn} logged in)`,
      );
      phase('start');
      const started = await gen.start();
      say(`  start: all ${started.holding} hold the key after ${round1(started.allHoldKeyMs)} ms`);
      phase('sustained');
      const sustained = await gen.saves(N / 5, sustainS * 1000);
      say(
        `  sustained ${N / 5}/s (1 per candidate per 5 s): achieved ${sustained.achievedRate}/s, ` +
          `p50 ${sustained.p50} ms, p99 ${sustained.p99} ms (generator loop p99 ${sustained.generatorLoopMs.p99} ms)`,
      );
      const stepping = await stepRates(gen, fromRate, 'site', [mon, genMon, loop], maxSteps, sustained);
      phase('hand-in');
      const handIn = await gen.handIn(240_000);
      say(`  hand-in: ${handIn.handedIn} handed in in ${round1(handIn.handInMs)} ms`);
      genMon.stop();
      return {
        loadAverage: { start: round1(loadAtStart), end: round1(loadavg()[0]!) },
        scale,
        setup,
        started,
        sustained,
        stepping,
        handIn,
        server: mon.summary(),
        serverLoop: loop.summary(),
        serverLoopSeconds: loop.seconds,
        generator: genMon.summary(),
      };
    } finally {
      genMon.stop();
      await gen.close();
    }
  } finally {
    mon.stop();
    await stopProcess(proc.child, 'SIGTERM');
  }
}

async function bareRun(from: number) {
  say('Baseline: bare socket.io server (acknowledges, stores nothing)');
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts/load/bareServer.ts')], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bare server did not start')), 30_000);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
  });
  const mon = new ProcMonitor(child.pid!);
  const gen = await GeneratorProcess.start({
    url,
    mode: 'bare',
    candidates: N,
    perRoom: 40,
    ackLogPath: join(dir, 'bare-acks.log'),
    reconnect: false,
    seed: 42,
  });
  const genMon = new ProcMonitor(gen.child.pid!);
  try {
    await gen.setup();
    const stepping = await stepRates(gen, from, 'bare', [mon, genMon], maxSteps);
    return { stepping, server: mon.summary(), generator: genMon.summary() };
  } finally {
    mon.stop();
    genMon.stop();
    await gen.close();
    await stopProcess(child, 'SIGTERM');
  }
}

async function sqliteRun() {
  say('Baseline: bare better-sqlite3 inserts, WAL + synchronous=FULL');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'scripts/bench/sqliteBaseline.ts'), String(N), '5', '12'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  await new Promise((resolve) => child.once('exit', resolve));
  const r = JSON.parse(out) as {
    perRowCommitsPerSec: number;
    groupCommitTopRate: number;
    steps: unknown[];
  };
  say(
    `  one commit per insert: ${r.perRowCommitsPerSec}/s; group commit top rate: ${r.groupCommitTopRate}/s`,
  );
  return r;
}

type Usage = ReturnType<ProcMonitor['summary']>;
const busiestStep = (u: Usage) =>
  Math.max(
    0,
    ...Object.entries(u.phases)
      .filter(([k]) => k.startsWith('step'))
      .map(([, v]) => v.meanCpuPct),
  );
const largestRssPhase = (u: Usage) =>
  Object.entries(u.phases).reduce<[string, number]>(
    (best, [name, p]) => (p.maxRssMb > best[1] ? [name, p.maxRssMb] : best),
    ['—', 0],
  )[0];
const cpuLine = (u: Usage) =>
  [u.phases['login storm']?.meanCpuPct, u.phases.sustained?.meanCpuPct, busiestStep(u)].join(' / ');

const startedAt = new Date();
try {
  const site = await siteRun();
  if (values['site-only']) {
    for (const [phase, cpu] of Object.entries(site.server.phases)) {
      const loop = site.serverLoop[phase];
      say(
        `  ${phase}: server CPU ${cpu.meanCpuPct} %, RSS up to ${cpu.maxRssMb} MB,` +
          ` generator CPU ${site.generator.phases[phase]?.meanCpuPct ?? '—'} %` +
          (loop ? `, loop busy ${loop.busy} %, answers ${JSON.stringify(loop.answers)}` : ''),
      );
    }
    const file = join(
      resolve(REPO_ROOT, values.out),
      `site-only-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`,
    );
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(
      file,
      `${JSON.stringify({ startedAt, candidates: N, node: process.version, site }, null, 2)}\n`,
    );
    say(`\nwritten ${file}`);
  } else {
    const plainSite = await siteRun(true);
    const bare = await bareRun(Math.round((N / 5) * 1.5));
    const sqlite = await sqliteRun();
    const top = site.stepping.top;
    // Shown to three digits; the verdict compares the unrounded ratio (0.4991 is not 0.5).
    const ratio = (a: number, b: number) => (b > 0 ? Number((a / b).toPrecision(3)) : null);
    const rows: [string, string, string, boolean | null][] = [
      [
        `login storm: all ${N} connected, proved their machine keys, logged in`,
        `${round1(site.setup.stormMs / 1000)} s (login alone ${round1(site.setup.loginMs / 1000)} s)`,
        '< 10 s',
        site.setup.loggedIn === N && site.setup.stormMs < TARGETS.loginMs,
      ],
      [
        'start: all hold paper and key',
        `${round1(site.started.allHoldKeyMs / 1000)} s`,
        '< 5 s',
        site.started.holding === N && site.started.allHoldKeyMs < TARGETS.allHoldKeyMs,
      ],
      [
        `sustained ${N / 5} saves/s: ack p50 / p99`,
        `${site.sustained.p50} / ${site.sustained.p99} ms`,
        'p99 < 50 ms',
        site.sustained.p99 >= 0 && site.sustained.p99 < TARGETS.sustainedP99Ms,
      ],
      [
        'site server top save rate (p99 < 100 ms)',
        `${top}/s${site.stepping.limitReached ? '' : ' (every step held: a lower bound)'}`,
        '—',
        null,
      ],
      [
        'site server top save rate without TLS (same code, same run)',
        `${plainSite.stepping.top}/s${plainSite.stepping.limitReached ? '' : ' (every step held: a lower bound)'}`,
        '—',
        null,
      ],
      [
        'site with TLS / without TLS (top save rate)',
        String(ratio(top, plainSite.stepping.top)),
        '≥ 0.8',
        plainSite.stepping.top > 0 && top / plainSite.stepping.top >= TARGETS.tlsVsPlain,
      ],
      [
        'bare socket.io top rate (same generator)',
        `${bare.stepping.top}/s${bare.stepping.limitReached ? '' : ' (every step held: a lower bound)'}`,
        '—',
        null,
      ],
      [
        'site / bare socket.io',
        String(ratio(top, bare.stepping.top)),
        '≥ 0.5',
        // A baseline that never missed a step is a lower bound, so the ratio could be lower.
        bare.stepping.limitReached &&
          bare.stepping.top > 0 &&
          top / bare.stepping.top >= TARGETS.topRateVsBare,
      ],
      ['bare SQLite, one fsync per insert', `${sqlite.perRowCommitsPerSec}/s`, '—', null],
      ['bare SQLite, group commit (p99 < 100 ms)', `${sqlite.groupCommitTopRate}/s`, '—', null],
      [
        'site / SQLite one-per-insert; / SQLite group commit',
        `${ratio(top, sqlite.perRowCommitsPerSec)}; ${ratio(top, sqlite.groupCommitTopRate)}`,
        '—',
        null,
      ],
      [
        'site server peak RSS (the phase with the largest sample)',
        `${site.server.peakRssMb} MB (${largestRssPhase(site.server)})`,
        '< 500 MB',
        site.server.peakRssMb < TARGETS.peakRssMb,
      ],
      [
        'machine load average (1 min), site run start / end',
        `${site.loadAverage.start} / ${site.loadAverage.end} (${cpus().length} cores)`,
        '—',
        null,
      ],
      [
        'site server event-loop delay, sustained: per-second p99 median / worst, max',
        ((l) => (l ? `${l.medianP99} / ${l.worstP99} / ${l.max} ms` : '—'))(site.serverLoop.sustained),
        '—',
        null,
      ],
      [
        'site server at its top rate: event loop busy; answer writer saves per commit, commit ms mean / max',
        ((l) =>
          l
            ? `${l.busy} %; ${l.answers ? `${l.answers.meanBatch}, ${l.answers.meanCommitMs} / ${l.answers.maxCommitMs} ms` : '—'}`
            : '—')(site.serverLoop[site.stepping.topPhase]),
        '—',
        null,
      ],
      [
        'load generator event-loop delay, sustained: p99 / max',
        `${site.sustained.generatorLoopMs.p99} / ${site.sustained.generatorLoopMs.max} ms`,
        '—',
        null,
      ],
      [
        'site server CPU (login storm / sustained / busiest step), % of one core',
        cpuLine(site.server),
        '—',
        null,
      ],
      ['load generator CPU, site run (same phases)', cpuLine(site.generator), '—', null],
      ['load generator CPU, bare run (busiest step)', `${busiestStep(bare.generator)}`, '—', null],
      [
        'hand-in: all handed in',
        `${site.handIn.handedIn} in ${round1(site.handIn.handInMs / 1000)} s`,
        '—',
        site.handIn.handedIn === N,
      ],
    ];
    say('\n| figure | measured | target | met |\n|---|---|---|---|');
    for (const [what, got, target, met] of rows) {
      say(`| ${what} | ${got} | ${target} | ${met === null ? '' : met ? 'yes' : 'NO'} |`);
    }
    const outDir = resolve(REPO_ROOT, values.out);
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `site-load-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      `${JSON.stringify(
        {
          startedAt,
          candidates: N,
          node: process.version,
          targets: TARGETS,
          rows,
          site,
          plainSite,
          bare,
          sqlite,
        },
        null,
        2,
      )}\n`,
    );
    say(`\nwritten ${file}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
