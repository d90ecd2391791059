import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommand } from '@exam/cli';
import { call, SimulatedCandidate, startTestSite } from '@exam/testkit';
import { launchBrowser } from './browser.js';
import { openConsole, waitFor } from './consoleHarness.js';

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
  process.stdout.write(`screenshots in ${out}\n`);
  for (const m of [...machines, spare]) m.close();
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
