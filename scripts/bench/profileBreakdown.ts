import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

/** A V8 CPU profile as `node --cpu-prof` writes it: the fields read here. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  /** Microseconds. */
  startTime: number;
  samples: number[];
  /** Microseconds since the sample before. */
  timeDeltas: number[];
}

/**
 * What a sample of the site server's main thread was doing: the first rule that matches a
 * frame of its stack (`function@file`) names it. Order matters: a push or a tile flush also
 * writes packets, and a save's handler runs inside the socket read that delivered it.
 */
export const SITE_MAIN_THREAD: readonly (readonly [string, RegExp])[] = [
  ['replica push to the consoles', /^sendCommitted@/],
  ['proctor tiles', /^(flushRoom|flushSpread|sendSnapshot)@/],
  ['batch to the writer thread', /^write@writerThread\.ts$/],
  ['after a commit (progress, grouping)', /@app\.ts$/],
  ['acknowledgement written', /^(sendPacket|packet)@/],
  ['schema', /@schemas\.js$|^parseMessage@/],
  ['save handler and queue', /@(candidateNamespace|handler|groupCommit)\.ts$/],
  ['writer thread replies', /@writerThread\.ts$/],
  ['socket read and decode', /^(onStreamRead|socketOnData)@/],
];

/** V8's own pseudo-frames, counted as they are. */
const PSEUDO = new Map([
  ['(idle)', 'idle'],
  ['(garbage collector)', 'garbage collector'],
  ['(program)', 'V8 and native (program)'],
]);

export interface Share {
  category: string;
  ms: number;
  /** Of all the samples in the window, idle included. */
  share: number;
}

interface Sample {
  node: number;
  /** Seconds since the profile started. */
  atS: number;
  durationUs: number;
}

function samplesOf(p: CpuProfile): Sample[] {
  let t = p.startTime;
  return p.samples.map((node, i) => {
    const durationUs = p.timeDeltas[i] ?? 0;
    t += durationUs;
    return { node, atS: (t - p.startTime) / 1e6, durationUs };
  });
}

function stacks(p: CpuProfile) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const cache = new Map<number, string[]>();
  /** Leaf first: `function@file` of each frame up to the root. */
  return (id: number): string[] => {
    const known = cache.get(id);
    if (known) return known;
    const frames: string[] = [];
    for (let c: number | undefined = id; c !== undefined; c = parent.get(c)) {
      const f = byId.get(c)!.callFrame;
      frames.push(`${f.functionName || '(anonymous)'}@${basename(f.url)}`);
    }
    cache.set(id, frames);
    return frames;
  };
}

/** Share of each second that was not idle: to find the window of a load step. */
export function busyBySecond(p: CpuProfile): number[] {
  const busy: number[] = [];
  const stackOf = stacks(p);
  for (const s of samplesOf(p)) {
    const sec = Math.floor(s.atS);
    while (busy.length <= sec) busy.push(0);
    if (!stackOf(s.node)[0]!.startsWith('(idle)@')) busy[sec]! += s.durationUs / 1e6;
  }
  return busy;
}

/**
 * Where the samples between `fromS` and `toS` (seconds since the start) went, largest
 * first. Samples no rule names are grouped by the three frames under the root, so a new
 * cost shows up by name instead of vanishing into "other".
 */
export function breakdown(
  p: CpuProfile,
  rules: readonly (readonly [string, RegExp])[],
  fromS = 0,
  toS = Number.POSITIVE_INFINITY,
): Share[] {
  const stackOf = stacks(p);
  const us = new Map<string, number>();
  let total = 0;
  for (const s of samplesOf(p)) {
    if (s.atS < fromS || s.atS >= toS) continue;
    const frames = stackOf(s.node);
    const leaf = frames[0]!.slice(0, frames[0]!.lastIndexOf('@'));
    const category =
      PSEUDO.get(leaf) ??
      rules.find(([, re]) => frames.some((f) => re.test(f)))?.[0] ??
      `other: ${frames.slice(-4, -1).reverse().join(' < ')}`;
    us.set(category, (us.get(category) ?? 0) + s.durationUs);
    total += s.durationUs;
  }
  return [...us]
    .map(([category, t]) => ({ category, ms: Math.round(t / 1000), share: total ? t / total : 0 }))
    .sort((a, b) => b.ms - a.ms);
}

function main(): void {
  const argv = process.argv.slice(2);
  const { values, positionals } = parseArgs({
    args: argv[0] === '--' ? argv.slice(1) : argv,
    allowPositionals: true,
    options: { from: { type: 'string' }, to: { type: 'string' } },
  });
  const file = positionals[0];
  const fromS = values.from === undefined ? undefined : Number(values.from);
  const toS = values.to === undefined ? Number.POSITIVE_INFINITY : Number(values.to);
  if (!file || Number.isNaN(fromS) || Number.isNaN(toS)) {
    process.stderr.write('usage: profileBreakdown.ts FILE.cpuprofile [--from S --to S]\n');
    process.exit(2);
  }
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  if (fromS === undefined) {
    // No window yet: the busy share per second shows where the load steps are.
    const line = busyBySecond(p).map((b, s) => `${s}:${Math.round(b * 100)}%`);
    process.stdout.write(`busy per second (pick --from/--to):\n${line.join(' ')}\n`);
    return;
  }
  const shares = breakdown(p, SITE_MAIN_THREAD, fromS, toS);
  for (const s of shares.slice(0, 20)) {
    process.stdout.write(
      `${String(s.ms).padStart(8)} ms ${(s.share * 100).toFixed(1).padStart(5)} %  ${s.category}\n`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
