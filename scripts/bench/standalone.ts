import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCommand } from '@exam/cli';
import {
  inspectStandalonePackage,
  newStandaloneCode,
  openStandaloneAnswerFile,
  openStandalonePackage,
  writeStandaloneAnswerFile,
  writeStandalonePackage,
} from '@exam/standalone';
import { sampleAnswerFile, sampleStandaloneContent, standaloneTestWorld } from '@exam/standalone/testing';
import { syntheticPaper } from '../demo/papers.js';
import { benchSiteStandalone } from './standaloneSite.js';

/**
 * Standalone mode micro figures (issue 17), no network, real crypto: for a synthetic paper
 * (105 items by default) with 200 answer changes, the time to
 *  - write a standalone package (site side: sign, scrypt-wrap the key under the code, encrypt);
 *  - inspect it on the target machine (chain, signature, header, before the code);
 *  - open it with the code (inspect + scrypt + decrypt + schema);
 *  - write an answer file with 200 changes (machine side: Ed25519, wrapped for site and centre);
 *  - open that answer file at the site (signature, RSA unwrap, decrypt, schema).
 * Then, through the real site server (standaloneSite.ts), the console's standalone:export and
 * standalone:collect round trips for the same paper and number of changes.
 * Prints a table and writes bench-results/standalone-<time>.json.
 */
const { values } = parseCommand({
  name: 'bench:standalone',
  usage: `tsx scripts/bench/standalone.ts [--items 105] [--changes 200] [--rounds 7] [--out bench-results]
  --items N    questions in the synthetic paper
  --changes N  answer changes in the package and in the answer file
  --rounds N   repetitions of each step (the median and the max are reported)`,
  options: {
    items: { type: 'string', default: '105' },
    changes: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '7' },
    out: { type: 'string', default: 'bench-results' },
  },
});
const ITEMS = Number(values.items);
const CHANGES = Number(values.changes);
const ROUNDS = Number(values.rounds);

function timed<T>(samples: number[], step: () => T): T {
  const t0 = performance.now();
  const result = step();
  samples.push(performance.now() - t0);
  return result;
}

function summary(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    n: s.length,
    p50: r(s[Math.floor((s.length - 1) / 2)] ?? Number.NaN),
    max: r(s.at(-1) ?? Number.NaN),
  };
}

const world = standaloneTestWorld({ paper: syntheticPaper(ITEMS) });
const siteRecipient = { certPem: world.pki.site.certPem, privateKeyPem: world.pki.site.privateKeyPem };
const reader = {
  trustedRootPem: world.pki.centre.certPem,
  siteId: world.pki.site.siteId,
  machineFingerprint: world.machineFingerprint,
};

const times = {
  writePackage: [] as number[],
  inspectPackage: [] as number[],
  openPackage: [] as number[],
  writeAnswerFile: [] as number[],
  openAnswerFile: [] as number[],
};
let packageBytes = 0;
let answerFileBytes = 0;
for (let round = 0; round < ROUNDS; round++) {
  const content = sampleStandaloneContent(world, { changes: CHANGES });
  const code = newStandaloneCode();
  const pkg = timed(times.writePackage, () => writeStandalonePackage({ content, code, site: world.site }));
  timed(times.inspectPackage, () => inspectStandalonePackage(pkg, reader));
  const opened = timed(times.openPackage, () => openStandalonePackage(pkg, { ...reader, code }));
  const answers = sampleAnswerFile(world, opened, { changes: CHANGES, handIn: true });
  const recipientCertPems = [opened.answerRecipients.siteCertPem, opened.answerRecipients.centreCertPem];
  const file = timed(times.writeAnswerFile, () =>
    writeStandaloneAnswerFile({ content: answers, machineKey: world.machine, recipientCertPems }),
  );
  timed(times.openAnswerFile, () =>
    openStandaloneAnswerFile(file, {
      recipient: siteRecipient,
      expectedMachinePublicKey: world.machine.publicKey,
    }),
  );
  packageBytes = pkg.length;
  answerFileBytes = file.length;
}

// Through the real site server: export (console request to reply) and collection/merge.
const siteRun = await benchSiteStandalone({ items: ITEMS, changes: CHANGES, rounds: Math.min(ROUNDS, 5) });

const result = {
  bench: 'standalone',
  at: new Date().toISOString(),
  paper: { items: ITEMS, changes: CHANGES },
  rounds: ROUNDS,
  ms: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, summary(v)])),
  site: { exportPackage: summary(siteRun.exportMs), collectAnswerFile: summary(siteRun.collectMs) },
  bytes: { package: packageBytes, answerFile: answerFileBytes },
  loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  node: process.version,
};

const row = (name: string, s: { n: number; p50: number; max: number }) =>
  `| ${name.padEnd(44)} | ${String(s.n).padStart(3)} | ${s.p50.toFixed(1).padStart(7)} | ${s.max.toFixed(1).padStart(7)} |`;
process.stdout.write(
  [
    `Standalone formats, ${ITEMS}-item paper, ${CHANGES} answer changes`,
    '| step (ms)                                    |   n |     p50 |     max |',
    '|----------------------------------------------|-----|---------|---------|',
    row('write package (site)', result.ms.writePackage!),
    row('inspect package (machine, before the code)', result.ms.inspectPackage!),
    row('open package with the code (machine)', result.ms.openPackage!),
    row('write answer file (machine)', result.ms.writeAnswerFile!),
    row('open answer file (site)', result.ms.openAnswerFile!),
    row('site server: standalone:export round trip', result.site.exportPackage),
    row('site server: standalone:collect (merge) trip', result.site.collectAnswerFile),
    `package ${packageBytes} bytes, answer file ${answerFileBytes} bytes; load average ${result.loadAverage.join(' ')}`,
    '',
  ].join('\n'),
);
const outDir = resolve(values.out);
mkdirSync(outDir, { recursive: true });
const out = join(outDir, `standalone-${result.at.replace(/[:.]/g, '-')}.json`);
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`written ${out}\n`);
