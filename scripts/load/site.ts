import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildExamPackages, provinceRef, testExamSpec } from '@exam/centre';
import { registeredKeysOf, siteFetch, TEST_PIN, type TestPki, testPki, writeIdentity } from '@exam/testkit';

/** Where the load tools live, so child processes resolve `tsx` and the workspace from the repo. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SITE_MAIN = join(REPO_ROOT, 'apps/site-server/src/main.ts');
const PLAIN_SITE_MAIN = join(REPO_ROOT, 'scripts/load/plainSiteMain.ts');
export const SITTING_ID = 'S-J-ECON';
export const ITEM_COUNT = 10;

/** How many candidates sit in one room: 40 is a large computer room; the last room may be part-empty. */
export function layoutFor(candidates: number, perRoom = 40): { rooms: number; perRoom: number } {
  const p = Math.max(1, Math.min(perRoom, candidates));
  return { rooms: Math.ceil(candidates / p), perRoom: p };
}

export interface PreparedSite {
  dir: string;
  dataDir: string;
  identityDir: string;
  pki: TestPki;
  examData: Buffer;
  authorization: Buffer;
  scheduledStart: number;
  rooms: number;
  perRoom: number;
}

/**
 * The centre's side of a load run: a PKI, the site identity on disk, and signed packages for
 * `candidates` candidates in rooms of `perRoom`, with the junior sitting at `scheduledStart`.
 */
export function prepareSite(
  dir: string,
  opts: {
    candidates: number;
    perRoom?: number;
    scheduledStart: number;
    /** An overbooked site (issue 19): no arranged seats; each candidate logs in at a free machine. */
    overbooked?: boolean;
  },
): PreparedSite {
  const { rooms, perRoom } = layoutFor(opts.candidates, opts.perRoom);
  const pki = testPki();
  const identityDir = join(dir, 'identity');
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  writeIdentity(identityDir, pki);
  const start = new Date(opts.scheduledStart);
  const built = buildExamPackages(
    {
      ...testExamSpec({
        rooms,
        perRoom,
        juniorStart: start,
        items: ITEM_COUNT,
        province: provinceRef(pki),
        overbooked: opts.overbooked,
      }),
      registeredKeys: registeredKeysOf(pki),
    },
    pki.centre,
    pki.site.certPem,
    // Wide validity: a scaled server clock runs hours ahead of the wall clock.
    {
      validFrom: new Date(opts.scheduledStart - 2 * 86_400_000),
      validUntil: new Date(opts.scheduledStart + 2 * 86_400_000),
    },
    new Date(opts.scheduledStart - 2 * 86_400_000),
  );
  return {
    dir,
    dataDir,
    identityDir,
    pki,
    examData: built.examData,
    authorization: built.authorization,
    scheduledStart: opts.scheduledStart,
    rooms,
    perRoom,
  };
}

export interface SiteProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  port: number;
  adminToken: string;
}

/** A free loopback port: listen on 0, read it, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts the real site server binary (main.ts) in its own process, like
 * `spawnSiteServer`, but with the server clock options so a load run can reach the hand-in
 * without waiting 75 real minutes.
 */
export async function startSiteProcess(
  site: PreparedSite,
  opts: {
    port?: number;
    clock?: { startAt: number; scale: number };
    nodeArgs?: string[];
    /** Has the server log its event-loop delay every so often (`--loop-stats-ms`). */
    loopStatsMs?: number;
    /** Every JSON log line the server writes after it is up. */
    onLog?: (entry: Record<string, unknown>) => void;
    /** The same server without TLS, for the benchmark's plain baseline only. */
    insecurePlainForBenchmark?: boolean;
  } = {},
): Promise<SiteProcess> {
  const port = opts.port ?? (await freePort());
  const args = [
    ...(opts.nodeArgs ?? []),
    '--import',
    'tsx',
    opts.insecurePlainForBenchmark ? PLAIN_SITE_MAIN : SITE_MAIN,
    '--data-dir',
    site.dataDir,
    '--identity-dir',
    site.identityDir,
  ];
  args.push('--port', String(port));
  if (opts.clock) {
    args.push('--clock-start', new Date(opts.clock.startAt).toISOString());
    args.push('--clock-scale', String(opts.clock.scale));
  }
  if (opts.loopStatsMs) args.push('--loop-stats-ms', String(opts.loopStatsMs));
  // The simulated machines all connect from this host's one address.
  args.push('--load-test-one-address');
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, EXAM_SITE_PIN: TEST_PIN, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('site server did not start in 30 s')), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`site server exited with ${code}`));
    });
    lines.on('line', (line) => {
      if (!line.includes('"url"')) return;
      try {
        const entry = JSON.parse(line) as { url?: string };
        if (entry.url) {
          clearTimeout(timer);
          resolve(entry.url);
        }
      } catch {
        // not a log line
      }
    });
  });
  // Keep reading stdout so a chatty log never blocks the server on a full pipe.
  const onLog = opts.onLog;
  lines.on('line', (line) => {
    if (!onLog || !line.startsWith('{')) return;
    try {
      onLog(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not a log line
    }
  });
  return {
    child,
    pid: child.pid!,
    url,
    port,
    adminToken: readFileSync(join(site.dataDir, 'admin-token'), 'utf8').trim(),
  };
}

export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

export async function adminPost(
  url: string,
  token: string,
  path: string,
  body: Buffer,
): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  // Over HTTPS, trusting the test centre root only (Node's fetch takes no CA).
  const init = {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(body),
  };
  const res = url.startsWith('https:')
    ? await siteFetch(`${url}${path}`, init)
    : await fetch(`${url}${path}`, init);
  return (await res.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
}

/** The site admin's import: exam data, then the authorization (the sitting keys). */
export async function importPackages(proc: SiteProcess, site: PreparedSite): Promise<void> {
  for (const [path, body] of [
    ['/api/admin/exam-data', site.examData],
    ['/api/admin/authorization', site.authorization],
  ] as const) {
    const r = await adminPost(proc.url, proc.adminToken, path, body);
    if (!r.ok) throw new Error(`${path}: ${r.error?.message ?? 'refused'}`);
  }
}

/** What the generator needs to act as the chief examiner's console in every room. */
export function writeChiefKey(site: PreparedSite): string {
  const path = join(site.dir, 'chief-key.json');
  writeFileSync(
    path,
    JSON.stringify({ certPem: site.pki.chief.certPem, privateKeyPem: site.pki.chief.privateKeyPem }),
    { mode: 0o600 },
  );
  return path;
}

export interface ProcSample {
  at: number;
  cpuTicks: number;
  rssBytes: number;
  hwmBytes: number;
}

const CLOCK_TICKS = 100;

export interface PhaseFigures {
  meanCpuPct: number;
  peakCpuPct: number;
  seconds: number;
  maxRssMb: number;
}

/** Reads CPU time (utime + stime) and RSS of a process from /proc; null once it has gone. */
export function sampleProc(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces; the fields after it are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuTicks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
    return { at: performance.now(), cpuTicks, rssBytes: kb('VmRSS'), hwmBytes: kb('VmHWM') };
  } catch {
    return null;
  }
}

/** Samples a process every `everyMs` and summarises CPU (% of one core) and memory per phase. */
export class ProcMonitor {
  private readonly samples: (ProcSample & { phase: string })[] = [];
  private readonly timer: NodeJS.Timeout;
  phase = 'idle';

  constructor(
    readonly pid: number,
    everyMs = 250,
  ) {
    this.take();
    this.timer = setInterval(() => this.take(), everyMs);
    this.timer.unref();
  }

  private take(): void {
    const s = sampleProc(this.pid);
    if (s) this.samples.push({ ...s, phase: this.phase });
  }

  stop(): void {
    this.take();
    clearInterval(this.timer);
  }

  /**
   * Peak RSS (the kernel's high-water mark) and, per phase, CPU (mean and the busiest 1 s)
   * and the largest RSS sampled: which phase the peak came from.
   */
  summary(): {
    peakRssMb: number;
    phases: Record<string, PhaseFigures>;
  } {
    const peak = Math.max(0, ...this.samples.map((s) => Math.max(s.hwmBytes, s.rssBytes)));
    const phases: Record<string, PhaseFigures> = {};
    const names = [...new Set(this.samples.map((s) => s.phase))];
    for (const name of names) {
      const list = this.samples.filter((s) => s.phase === name);
      if (list.length < 2) continue;
      const first = list[0]!;
      const last = list[list.length - 1]!;
      const seconds = (last.at - first.at) / 1000;
      const mean = seconds > 0 ? ((last.cpuTicks - first.cpuTicks) / CLOCK_TICKS / seconds) * 100 : 0;
      let peakCpu = 0;
      for (let i = 0, j = 0; i < list.length; i++) {
        while (j < list.length && list[j]!.at - list[i]!.at < 1000) j++;
        const end = list[Math.min(j, list.length - 1)]!;
        const dt = (end.at - list[i]!.at) / 1000;
        if (dt >= 0.5)
          peakCpu = Math.max(peakCpu, ((end.cpuTicks - list[i]!.cpuTicks) / CLOCK_TICKS / dt) * 100);
      }
      phases[name] = {
        meanCpuPct: round1(mean),
        peakCpuPct: round1(peakCpu),
        seconds: round1(seconds),
        maxRssMb: round1(Math.max(...list.map((s) => s.rssBytes)) / 1024 / 1024),
      };
    }
    return { peakRssMb: round1(peak / 1024 / 1024), phases };
  }
}

export const round1 = (x: number) => Math.round(x * 10) / 10;
