import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { idNumberFor, ticketFor } from '@exam/centre';
import { parseCommand, usageExit } from '@exam/cli';
import type { Ack, SaveResult } from '@exam/protocol';
import {
  approvedMachine,
  call,
  connected,
  killHard,
  rawSocket,
  START_REASON,
  seatedCandidate,
  signedInProctorSocket,
  spawnSiteWithExam,
  testMachineKey,
  testPki,
  testTrust,
  writerChange,
} from '@exam/testkit';
import Database from 'better-sqlite3';
import { ProcMonitor } from '../load/site.js';

/**
 * `tsx scripts/bench/alert-flood.ts`: issue 16 point 7, measured. The real site server in
 * its own process; one candidate saves at a steady pace (this process); another machine,
 * logged in, sends `client:alert` as fast as it can (a process of its own). The steady
 * candidate's save latency is taken without the flood and then with it, in the same run,
 * and the site's audit trail is counted afterwards. Prints the figures and writes JSON
 * under bench-results/.
 */
const BENCH = {
  name: 'bench:alert-flood',
  usage: `alert-flood [--seconds S] [--interval-ms N] [--out DIR]
  --seconds S      length of each phase (default 10)
  --interval-ms N  the steady candidate saves every N ms (default 10)
  --out DIR        where the JSON result goes (default bench-results)`,
  options: {
    seconds: { type: 'string', default: '10' },
    'interval-ms': { type: 'string', default: '10' },
    out: { type: 'string', default: 'bench-results' },
  },
} as const;
const { values } = parseCommand(BENCH);
const seconds = Number(values.seconds);
const intervalMs = Number(values['interval-ms']);
if (!(Number.isInteger(seconds) && seconds > 0 && Number.isInteger(intervalMs) && intervalMs > 0)) {
  usageExit(BENCH, '--seconds and --interval-ms are whole numbers above 0');
}
/** What issue 16 asks of the flood: the other candidate's p99 moves by a few ms at most. */
const TARGET_P99_DELTA_MS = 5;
const SITTING = 'S-J-ECON';
const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function summary(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
  const r = (x: number) => Math.round(x * 100) / 100;
  return { n: s.length, p50: r(q(0.5)), p90: r(q(0.9)), p99: r(q(0.99)), max: r(s.at(-1) ?? Number.NaN) };
}

const dir = mkdtempSync(join(tmpdir(), 'alert-flood-'));
const { site } = await spawnSiteWithExam(dir, 4);
try {
  const pki = testPki();
  const proctor = await signedInProctorSocket(site.url, testTrust(), pki.proctors.get('R1')!, 'R1');
  for (const [event, payload] of [
    ['login:open', { sittingId: SITTING }],
    ['sitting:start', { sittingId: SITTING, reason: START_REASON }],
  ] as const) {
    const r = await call<Ack<unknown>>(proctor, event, payload);
    if (!r.ok) throw new Error(`${event}: ${r.error.message}`);
  }

  const steady = await seatedCandidate(site.url, {
    roomId: 'R1',
    seatNo: 1,
    machineId: 'bench-steady',
    ticketNo: ticketFor(1, 1),
    idNumber: idNumberFor(1),
  });
  // The flooding machine is approved for seat 2 here; its own process proves the same key.
  const approving = rawSocket(site.url, 'candidate');
  await connected(approving);
  await approvedMachine(site.url, approving, { roomId: 'R1', seatNo: 2, machineId: 'bench-flooder' });
  approving.disconnect();

  // The flooder stands in for another machine on the LAN: at the lowest priority, so on this
  // one box it takes only CPU the site server and the steady candidate leave over, as its
  // own hardware would. It still sends as fast as it can get CPU for.
  const flooder = spawn(
    'nice',
    [
      '-n',
      '19',
      process.execPath,
      '--import',
      'tsx',
      fileURLToPath(new URL('./alertFlooder.ts', import.meta.url)),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const flooderLines = createInterface({ input: flooder.stdout! })[Symbol.asyncIterator]();
  flooder.stdin!.write(
    `${JSON.stringify({
      url: site.url,
      trust: testTrust(),
      key: testMachineKey('bench-flooder'),
      ticketNo: ticketFor(1, 2),
      idNumber: idNumberFor(2),
      floodMs: seconds * 1000 + 1000,
    })}\n`,
  );
  if ((await flooderLines.next()).value !== 'ready') throw new Error('the flooder did not start');

  let seq = 0;
  /** Saves every `intervalMs` (from send to send), awaiting each acknowledgement. */
  async function steadySaves(ms: number): Promise<number[]> {
    const latencies: number[] = [];
    const until = performance.now() + ms;
    while (performance.now() < until) {
      const t0 = performance.now();
      seq++;
      const r = await call<Ack<SaveResult>>(steady.socket, 'answer:save', {
        sittingId: SITTING,
        changes: [writerChange(seq)],
      });
      if (!r.ok) throw new Error(`save ${seq} refused: ${r.error.code}`);
      const took = performance.now() - t0;
      latencies.push(took);
      await sleep(Math.max(0, intervalMs - took));
    }
    return latencies;
  }

  say(
    `steady candidate saves every ${intervalMs} ms; ${seconds} s without the flood, ${seconds} s with it, ${seconds} s after`,
  );
  const cpu = new ProcMonitor(site.child.pid!);
  await steadySaves(1000); // warm-up, not counted
  cpu.phase = 'without';
  const without = summary(await steadySaves(seconds * 1000));
  cpu.phase = 'ramp';
  flooder.stdin!.write('go\n');
  await sleep(500); // the flood at full speed before measuring
  cpu.phase = 'with';
  const withFlood = summary(await steadySaves(seconds * 1000 - 500));
  const flood = JSON.parse((await flooderLines.next()).value as string) as {
    sent: number;
    reconnects: number;
    codes: Record<string, number>;
    seconds: number;
  };
  // The same again once the flood is over: how far the shared machine alone moves the tails.
  cpu.phase = 'after';
  const after = summary(await steadySaves(seconds * 1000));
  cpu.stop();
  const serverCpu = cpu.summary().phases;
  proctor.disconnect();
  steady.socket.disconnect();

  const db = new Database(join(dir, 'data', 'site.db'), { readonly: true, fileMustExist: true });
  const audit = (action: string) =>
    (db.prepare('SELECT count(*) AS n FROM audit_events WHERE action = ?').get(action) as { n: number }).n;
  const audited = {
    alerts: audit('client.alert'),
    floods: audit('client.alertFlood'),
    logins: audit('candidate.login'),
  };
  db.close();

  const p99DeltaMs = Math.round((withFlood.p99 - without.p99) * 100) / 100;
  const result = {
    at: new Date().toISOString(),
    bench: 'alert-flood',
    intervalMs,
    phaseSeconds: seconds,
    saveMs: { withoutFlood: without, withFlood, afterFlood: after },
    p99DeltaMs,
    flood: { ...flood, perSecond: Math.round(flood.sent / flood.seconds) },
    audited,
    serverCpuPct: {
      withoutFlood: serverCpu.without?.meanCpuPct,
      withFlood: serverCpu.with?.meanCpuPct,
      afterFlood: serverCpu.after?.meanCpuPct,
    },
    target: { p99DeltaMs: TARGET_P99_DELTA_MS },
    met: p99DeltaMs <= TARGET_P99_DELTA_MS,
    cpus: cpus().length,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
  const row = (name: string, s: ReturnType<typeof summary>) =>
    `| ${name.padEnd(22)} | ${String(s.n).padStart(5)} | ${s.p50.toFixed(2).padStart(6)} | ${s.p90.toFixed(2).padStart(6)} | ${s.p99.toFixed(2).padStart(6)} | ${s.max.toFixed(2).padStart(7)} |`;
  say(
    [
      '| steady save (ms)       |     n |    p50 |    p90 |    p99 |     max |',
      '|------------------------|-------|--------|--------|--------|---------|',
      row('without the flood', without),
      row('during the flood', withFlood),
      row('after the flood', after),
      `p99 moved by ${p99DeltaMs} ms (target: at most ${TARGET_P99_DELTA_MS} ms) — ${result.met ? 'met' : 'NOT met'}`,
      `flood: ${flood.sent} alerts in ${flood.seconds} s (${result.flood.perSecond}/s), ${flood.reconnects} reconnects, replies ${JSON.stringify(flood.codes)}`,
      `site server CPU: ${result.serverCpuPct.withoutFlood}% of a core without the flood, ${result.serverCpuPct.withFlood}% during it, ${result.serverCpuPct.afterFlood}% after`,
      `audit trail: ${audited.alerts} client.alert, ${audited.floods} client.alertFlood, ${audited.logins} candidate.login`,
      `load average ${result.loadAverage.join(' ')} on ${result.cpus} CPUs (the machine is shared: other jobs move the tails)`,
    ].join('\n'),
  );
  const outDir = resolve(values.out);
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `alert-flood-${result.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  say(`written ${file}`);
} finally {
  await killHard(site);
  rmSync(dir, { recursive: true, force: true });
}
