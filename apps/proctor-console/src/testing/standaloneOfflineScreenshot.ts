import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommand } from '@exam/cli';
import { SimulatedCandidate, startTestSite, testMachineFingerprint } from '@exam/testkit';
import type { HostPush } from '../shared/api.js';
import { launchBrowser } from './browser.js';
import { openConsole, TEST_PIN, waitFor } from './consoleHarness.js';
import { chiefKeyFile } from './standaloneFiles.js';

/**
 * The README's screenshot of offline export (decision 0017, amendment) at 1024×768, zh-CN: a
 * small room over a real site server; after the start the site server stops, and the export
 * dialog offers 离线导出 from the console's replica. The screenshot harness's parts
 * (openConsole, launchBrowser), a room small enough for a busy machine.
 *   tsx apps/proctor-console/src/testing/standaloneOfflineScreenshot.ts [--out docs/screenshots]
 */
const MIN = 60_000;
const SITTING = 'S-J-ECON';
const SEATS = 8;
const { values } = parseCommand({
  name: 'proctor:standalone-offline-screenshot',
  usage: 'standaloneOfflineScreenshot [--out DIR]   (default docs/screenshots)',
  options: { out: { type: 'string' } },
});
const out = values.out ?? fileURLToPath(new URL('../../../../docs/screenshots', import.meta.url));

const site = await startTestSite({ rooms: 1, perRoom: SEATS, items: 105 });
const browser = await launchBrowser({ width: 1024, height: 768 });
const room = await openConsole(site, 'R1', browser);
const { page, host } = room;
let last: Extract<HostPush, { type: 'standalone' }> | null = null;
let connected = true;
host.subscribe((p) => {
  if (p.type === 'standalone') last = p;
  if (p.type === 'session') connected = p.session.phase === 'signed-in' && p.session.connected;
});
const machines: SimulatedCandidate[] = [];
try {
  await host.invoke('openLogin', { sittingId: SITTING });
  for (let seat = 1; seat <= 6; seat++) {
    const m = await SimulatedCandidate.register(site, seat);
    await m.login();
    machines.push(m);
  }
  // The spare machine the candidate continues on (approved for seat 8).
  machines.push(await SimulatedCandidate.register(site, 8));
  site.clock.set(site.juniorStart);
  await host.invoke('start', { sittingId: SITTING });
  site.clock.set(site.juniorStart + 35 * MIN);
  for (const [i, m] of machines.slice(0, 6).entries()) {
    for (let k = 1; k <= 20 + i * 7; k++) {
      const kind = (k - 1) % 3;
      await m.save(
        SITTING,
        `J-${String(k).padStart(3, '0')}`,
        kind === 0 ? 'A' : kind === 1 ? ['A', 'C'] : true,
      );
    }
  }
  await host.resync();
  await waitFor('the sitting key in the console', () =>
    Boolean(last?.offline.kitHeld && last.offline.sittingsWithKey.includes(SITTING)),
  );
  // Seat 5's machine fails, then the site server goes down.
  machines[4]?.close();
  await site.server.close();
  await waitFor('the console to see the site server down', () => !connected);
  await page.getByTestId('tile-005').click();
  await page.getByTestId('act-standalone').click();
  const dialog = page.getByTestId('standalone-export-dialog');
  await dialog.getByTestId('standalone-offline').waitFor();
  await dialog.getByTestId('reason').fill('考试机蓝屏，考点服务器同时故障');
  const target = testMachineFingerprint('sim-machine-1-8');
  await dialog.locator(`option[value="${target}"]`).waitFor({ state: 'attached' });
  await dialog.getByTestId('standalone-machine').selectOption(target);
  await dialog.getByTestId('chief-key').fill(chiefKeyFile(site));
  await dialog.getByTestId('chief-pin').fill(TEST_PIN);
  await dialog.getByTestId('standalone-folder').fill(mkdtempSync(join(tmpdir(), 'USB-')));
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(out, 'proctor-standalone-offline-export.png') });
  process.stdout.write(`screenshot in ${out}\n`);
} catch (e) {
  process.stderr.write(`failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
} finally {
  for (const m of machines) m.close();
  await room.close();
  await browser.close();
  await site.stop();
}
