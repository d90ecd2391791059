import { startTestSite, type TestSite } from '@exam/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../testing/browser.js';
import { type ConsoleUnderTest, openConsole } from '../testing/consoleHarness.js';
import { eventually } from '../testing/eventually.js';

/**
 * The room's backup on the console's screen (issue 18), in real Chromium against a real site:
 * after the day's last sitting the console says 已备份并校验 with the file's path by itself;
 * the backup button makes another, deposits it and says the same.
 */
const MIN = 60_000;
const SITTING = 'S-J-ECON';
let site: TestSite;
let browser: TestBrowser;
let c: ConsoleUnderTest;

beforeAll(async () => {
  [site, browser] = await Promise.all([startTestSite({ rooms: 1, perRoom: 2 }), launchBrowser()]);
  c = await openConsole(site, 'R1', browser);
});

afterAll(async () => {
  await c?.close();
  await browser?.close();
  await site?.stop();
});

async function run(name: string, args: unknown) {
  const r = await c.host.invoke(name, args);
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
}

describe('the room backup on the console', () => {
  it('shows 已备份并校验 with the path after the day’s last sitting, and again from the button', async () => {
    const { page } = c;
    await page.getByTestId('phase').waitFor();
    await run('openLogin', { sittingId: SITTING });
    site.clock.set(site.juniorStart);
    await run('start', { sittingId: SITTING });
    site.clock.advance(150 * MIN);
    await site.server.tick();
    await run('end', { sittingId: SITTING });

    const state = page.getByTestId('backup-state');
    await eventually(() => state.textContent()).toMatch(
      /^已备份并校验（当日最后一场结束后自动制作.*room-backup-R1-.*\.exampkg$/,
    );

    await page.getByTestId('backup').click();
    await eventually(() => page.getByTestId('flash').textContent()).toMatch(
      /^已备份并校验（\d+ 条作答记录）：.*room-backup-R1-[\d-]+\.exampkg/,
    );
    expect(await state.textContent()).toMatch(/^已备份并校验（\d+ 条作答记录）/);
  });
});
