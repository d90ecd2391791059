import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommand } from '@exam/cli';
import { call, SimulatedCandidate, startTestSite, testMachineFingerprint } from '@exam/testkit';
import { launchBrowser } from './browser.js';
import { openConsole, TEST_PIN, waitFor } from './consoleHarness.js';
import { chiefKeyFile, openPackageFile, writeAnswerFile } from './standaloneFiles.js';

/**
 * Renders the README's screenshots of the proctor console: a room of 48 seats late in a
 * sitting, over a real site server with simulated test machines.
 *   tsx apps/proctor-console/src/testing/screenshots.ts [--out docs/screenshots/proctor]
 */
const MIN = 60_000;
const SITTING = 'S-J-ECON';
const SEATS = 48;
const { values } = parseCommand({
  name: 'proctor:screenshots',
  usage: 'proctor:screenshots [--out DIR]   (default docs/screenshots/proctor)',
  options: { out: { type: 'string' } },
});
const out = values.out ?? fileURLToPath(new URL('../../../../docs/screenshots/proctor', import.meta.url));

const log = (m: string) => process.stderr.write(`${m}\n`);
const site = await startTestSite({ rooms: 1, perRoom: SEATS, items: 105 });
const browser = await launchBrowser({ width: 1366, height: 768 });
log('site and browser up');
const room = await openConsole(site, 'R1', browser);
log('console open');
const { page, host } = room;
try {
  log(JSON.stringify(await host.invoke('openLogin', { sittingId: SITTING })));
  const absent = new Set([7, 23]);
  const notArrived = new Set([41]);
  const machines: SimulatedCandidate[] = [];
  for (let seat = 1; seat <= SEATS; seat++) {
    if (absent.has(seat) || notArrived.has(seat)) continue;
    const m = await SimulatedCandidate.register(site, seat, seat === 30 ? { screen: [1024, 600] } : {});
    await m.login();
    machines.push(m);
  }
  for (const seat of absent)
    await host.invoke('setAbsent', { sittingId: SITTING, ticketNo: ticket(seat), absent: true });
  log('logged in');
  // Twelve minutes before the scheduled start: the start button waits, counting down.
  await at(-12 * MIN);
  await page.getByTestId('start-wait').waitFor();
  mkdirSync(out, { recursive: true });
  await page.screenshot({ path: join(out, 'before-start.png') });
  await at(0);
  await host.invoke('start', { sittingId: SITTING });
  // Answers in varying amounts, last saved around minute 38.
  await at(38 * MIN);
  for (const [i, m] of machines.entries()) {
    const answered = 60 + ((i * 37) % 46);
    for (let k = 1; k <= answered; k++) {
      const kind = (k - 1) % 3;
      await m.save(
        SITTING,
        `J-${String(k).padStart(3, '0')}`,
        kind === 0 ? 'A' : kind === 1 ? ['A', 'C'] : true,
      );
    }
  }
  log('answered');
  // Seat 12's machine fails at minute 40: reset, moves to the spare seat 41 at minute 46.
  await at(40 * MIN);
  await host.invoke('reset', { sittingId: SITTING, ticketNo: ticket(12), reason: '考试机蓝屏' });
  machines.find((m) => m.seatNo === 12)?.close();
  await at(46 * MIN);
  const spare = await SimulatedCandidate.register(site, 41);
  await spare.login(12);
  await host.invoke('extend', {
    sittingId: SITTING,
    tickets: [ticket(12)],
    minutes: 6,
    reason: '考试机蓝屏，更换备用机',
  });
  // Seat 5's machine drops at minute 70; seat 18 plugged in a USB stick; seat 33 lost focus.
  await at(70 * MIN);
  await machines.find((m) => m.seatNo === 33)?.alert('focus-lost', '切换到其他窗口 3 秒');
  await machines.find((m) => m.seatNo === 18)?.alert('display-added');
  await host.invoke('recordViolation', {
    sittingId: SITTING,
    ticketNo: ticket(18),
    category: 'external-device',
    description: '考试中接入自带显示器',
    notified: true,
  });
  machines.find((m) => m.seatNo === 5)?.close();
  // Minute 78: the first candidates hand in.
  await at(77 * MIN);
  const handedIn = new Set([2, 9, 15, 26, 38, 44]);
  for (const seat of handedIn) await machines.find((m) => m.seatNo === seat)?.handIn(SITTING);
  // Everyone still answering saved within the last minute.
  for (const [i, m] of [...machines, spare].entries()) {
    if (handedIn.has(m.seatNo) || m.seatNo === 5 || m.seatNo === 12) continue;
    site.clock.set(site.juniorStart + 77 * MIN + i * 1000);
    await m.save(SITTING, 'J-104', ['B', 'D']);
  }
  await at(78 * MIN);
  await call(spare.socket, 'time:sync', {});
  await host.resync();
  await page.getByTestId('tile-012').waitFor();
  await waitFor('the room to settle', () => true);
  await page.waitForTimeout(1200);
  mkdirSync(out, { recursive: true });
  await page.screenshot({ path: join(out, 'dashboard.png') });
  await page.getByTestId('tile-012').click();
  await page.getByTestId('detail').waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(out, 'candidate-detail.png') });
  await page.getByTestId('tile-012').click();
  await page.getByTestId('act-extend').click();
  await page.getByTestId('minutes').fill('8');
  await page.getByTestId('reason').fill('网络故障');
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(out, 'extension-code.png') });
  await page.getByTestId('dialog-cancel').click();
  await page.getByTestId('view-list').click();
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(out, 'list.png') });
  const standaloneTarget = await standaloneShots();
  process.stdout.write(`screenshots in ${out}\n`);
  for (const m of [...machines, spare, standaloneTarget]) m.close();
} catch (e) {
  log(`failed: ${e instanceof Error ? e.stack : String(e)}`);
  process.exitCode = 1;
} finally {
  log('closing');
  await room.close();
  log('room closed');
  await browser.close();
  await site.stop();
}

/**
 * Standalone mode (issue 17) at 1024×768: seat 5's machine failed and a spare failed too, so
 * the chief examiner consents to a standalone package for the machine on seat 7 (the absent
 * candidate's); the code dialog; later the answer file collected from the stick.
 */
async function standaloneShots(): Promise<SimulatedCandidate> {
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.getByRole('button', { name: '座位图' }).click();
  const target = await SimulatedCandidate.register(site, 7);
  const targetLabel = 'sim-machine-1-7';
  const stick = mkdtempSync(join(tmpdir(), 'USB-'));
  const chiefKey = chiefKeyFile(site);
  await page.getByTestId('tile-005').click();
  await page.getByTestId('act-standalone').click();
  const dialog = page.getByTestId('standalone-export-dialog');
  await dialog.getByTestId('reason').fill('考试机蓝屏，备用机亦无法启动');
  const option = dialog.locator(`option[value="${testMachineFingerprint(targetLabel)}"]`);
  await option.waitFor({ state: 'attached' });
  await dialog.getByTestId('standalone-machine').selectOption(testMachineFingerprint(targetLabel));
  await dialog.getByTestId('chief-key').fill(chiefKey);
  await dialog.getByTestId('chief-pin').fill(TEST_PIN);
  await dialog.getByTestId('standalone-folder').fill(stick);
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(out, 'standalone-export.png') });
  await dialog.getByTestId('dialog-submit').click();
  const shown = page.getByTestId('standalone-code-dialog');
  await shown.waitFor();
  const code = (await shown.getByTestId('standalone-code').locator('.group').allTextContents()).join('-');
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(out, 'standalone-code.png') });
  await shown.getByTestId('dialog-cancel').click();
  // Twenty minutes on the standalone machine, then the answer file comes back on the stick.
  await at(98 * MIN);
  const [packageFile] = readdirSync(stick);
  const pkg = openPackageFile(site, join(stick, packageFile ?? ''), code, targetLabel);
  const file = writeAnswerFile(pkg, targetLabel, stick, {
    fileSeq: 1,
    changes: [
      { seq: pkg.highestSeq + 1, itemId: 'J-105', value: true, elapsedMs: 6 * MIN },
      { seq: pkg.highestSeq + 2, itemId: 'J-104', value: ['B', 'D'], elapsedMs: 11 * MIN },
    ],
    handIn: { elapsedMs: 19 * MIN, auto: false },
  });
  await page.getByTestId('standalone').click();
  await page.getByTestId('standalone-dialog').getByTestId('standalone-collect').click();
  const collect = page.getByTestId('standalone-collect-dialog');
  await collect.getByTestId('standalone-file').fill(file);
  await collect.getByTestId('dialog-submit').click();
  await collect.getByTestId('standalone-collect-result').waitFor();
  await collect.getByTestId('standalone-file').fill(file);
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(out, 'standalone-collect.png') });
  await collect.getByTestId('dialog-cancel').click();
  return target;
}

/** Moves the site's clock and lets the console follow, as real time would. */
async function at(offsetMs: number): Promise<void> {
  // Let the server's batched tile pushes (every 250 ms) reach the console first.
  await new Promise((r) => setTimeout(r, 400));
  site.clock.set(site.juniorStart + offsetMs);
  await host.resync();
}

function ticket(seat: number): string {
  return `2104001${String(seat).padStart(5, '0')}`;
}
