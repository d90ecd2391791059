import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  builtRenderer,
  candidatePage,
  launchChromium,
  startTestMachine,
} from '@exam/candidate-client/testing';
import { idNumberFor, ticketFor } from '@exam/centre';
import { parseCommand } from '@exam/cli';
import { JUNIOR_SITTING, startCandidateSite } from '@exam/testkit';
import { syntheticPaper } from '../demo/papers.js';

/**
 * Candidate client UI benchmark (not a timed test): a 200-item paper in the real renderer
 * in headless Chromium at 1024×768, the real host and journal behind the web host, a real
 * site server on loopback. Measures
 *  - item switch: click on a question number → the new item in the DOM with layout done;
 *  - local durable save: the renderer's saveAnswer call → the host replies after the
 *    journal's fsync'd commit (websocket round trip included), and the core's journal
 *    append alone in the host process;
 *  - renderer memory: JSHeapUsedSize from CDP Performance.getMetrics after every item was shown.
 * Prints a table and writes JSON under bench-results/, with the load average (the machine
 * is shared: other jobs' load moves the tails) and how many state pushes the saves caused.
 */
const { values } = parseCommand({
  name: 'bench:candidate',
  usage: `bench:candidate [--items 200] [--rounds 3] [--out bench-results]
  --items N   questions in the synthetic paper
  --rounds N  passes over every item`,
  options: {
    items: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
    out: { type: 'string', default: 'bench-results' },
  },
});
const ITEMS = Number(values.items);
const ROUNDS = Number(values.rounds);
const MIN = 60_000;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
function summary(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { n: s.length, p50: r(pct(s, 50)), p90: r(pct(s, 90)), p99: r(pct(s, 99)), max: r(s.at(-1) ?? 0) };
}

const dir = mkdtempSync(join(tmpdir(), 'candidate-bench-'));
const [rendererDir, site] = await Promise.all([
  builtRenderer(),
  startCandidateSite({ juniorPaper: syntheticPaper(ITEMS) }),
]);
const browser = await launchChromium();
const machine = await startTestMachine({ site, rendererDir, dir, seatNo: 1 });
try {
  const page = await candidatePage(browser);
  const cdp = await page.context().newCDPSession(page);
  await page.goto(machine.web.url);
  await site.proctorCall('login:open', { sittingId: JUNIOR_SITTING });
  await page.getByLabel('准考证号').fill(ticketFor(1, 1));
  await page.getByLabel('身份证号').fill(idNumberFor(1));
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('button', { name: '确认登录' }).click();
  await page.getByLabel('我已阅读并遵守以上规定').check();
  site.clock.set(site.juniorStart);
  await site.proctorCall('sitting:start', { sittingId: JUNIOR_SITTING });
  await page.getByRole('button', { name: '开始答题' }).click();
  await page.locator('[data-screen="exam"]').waitFor();
  site.clock.advance(MIN);

  // Item switch, in the page: a question-number click until the item is rendered and laid
  // out. Preact renders in a microtask, so the wait yields microtasks, not timers (which
  // Chromium clamps to 4 ms and would dominate the measurement).
  const switchMs = (await page.evaluate(`(async () => {
    const items = ${ITEMS}, rounds = ${ROUNDS}, out = [];
    let seed = 7; const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let k = 0; k < items * rounds; k++) {
      const n = k < items ? k + 1 : 1 + Math.floor(rand() * items);
      const cell = document.querySelector('.navigator [data-n="' + n + '"]');
      const t0 = performance.now();
      cell.click();
      for (let spins = 0; spins < 10000; spins++) {
        const pos = document.querySelector('[data-testid=position]');
        if (pos && pos.textContent.startsWith(n + ' /')) break;
        await new Promise((r) => queueMicrotask(r));
      }
      document.querySelector('.item').getBoundingClientRect();
      out.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 0));
    }
    return out;
  })()`)) as number[];

  // Local durable save through the bridge (what an answer click waits for before the host
  // has it on disk), then the journal append alone in the host process.
  const paper = machine.host.core.paper()!;
  const choice = paper.items.filter((i) => i.kind === 'single').map((i) => i.id);
  let statePushes = 0;
  const stopCounting = machine.host.subscribe((event) => {
    if (event === 'state') statePushes++;
  });
  const bridgeSaveMs = (await page.evaluate(`(async () => {
    const ids = ${JSON.stringify(choice)}, out = [];
    for (let k = 0; k < ${ITEMS} * ${ROUNDS}; k++) {
      const t0 = performance.now();
      const reply = await window.candidate.invoke('saveAnswer', [ids[k % ids.length], 'ABCD'[k % 4], false]);
      const r = reply.ok ? reply.value : reply;
      if (!r.ok) throw new Error(r.error.code);
      out.push(performance.now() - t0);
    }
    return out;
  })()`)) as number[];
  stopCounting();
  const journalSaveMs: number[] = [];
  for (let k = 0; k < ITEMS * ROUNDS; k++) {
    const t0 = performance.now();
    machine.host.core.saveAnswer(choice[k % choice.length]!, 'ABCD'[(k + 1) % 4]!, false);
    journalSaveMs.push(performance.now() - t0);
  }

  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
  const heapMb = Math.round((metric('JSHeapUsedSize') / 1024 / 1024) * 10) / 10;
  const nodes = metric('Nodes');

  const result = {
    bench: 'candidate-ui',
    at: new Date().toISOString(),
    items: ITEMS,
    viewport: '1024x768',
    itemSwitchMs: summary(switchMs),
    localSaveViaBridgeMs: summary(bridgeSaveMs),
    journalAppendMs: summary(journalSaveMs),
    statePushesDuringBridgeSaves: statePushes,
    renderer: { jsHeapUsedMb: heapMb, domNodes: nodes },
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    targets: { itemSwitchP99Ms: 50, localSaveP99Ms: 10 },
  };
  const row = (name: string, s: ReturnType<typeof summary>) =>
    `| ${name.padEnd(38)} | ${String(s.n).padStart(4)} | ${s.p50.toFixed(2).padStart(6)} | ${s.p90.toFixed(2).padStart(6)} | ${s.p99.toFixed(2).padStart(6)} | ${s.max.toFixed(2).padStart(7)} |`;
  process.stdout.write(
    [
      `Candidate UI, ${ITEMS}-item paper, Chromium 1024×768`,
      '| measure (ms)                           |    n |    p50 |    p90 |    p99 |     max |',
      '|----------------------------------------|------|--------|--------|--------|---------|',
      row('item switch (click → rendered + layout)', result.itemSwitchMs),
      row('local durable save via bridge', result.localSaveViaBridgeMs),
      row('journal append (fsync) in host', result.journalAppendMs),
      `renderer JS heap used: ${heapMb} MB, DOM nodes: ${nodes}`,
      `state pushes during the bridge saves: ${statePushes}; load average: ${result.loadAverage.join(' ')}`,
      '',
    ].join('\n'),
  );
  const outDir = resolve(values.out);
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `candidate-ui-${result.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`written ${file}\n`);
} finally {
  await browser.close();
  await machine.stop();
  await site.stop();
  rmSync(dir, { recursive: true, force: true });
}
