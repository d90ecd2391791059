import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arrangementCode, testExamSpec, ticketFor } from '@exam/centre';
import { parseCommand } from '@exam/cli';
import {
  call,
  ensureAdminPage,
  proctorSocket,
  SimulatedCandidate,
  siteFetch,
  startEmptyTestSite,
  startTestSite,
} from '@exam/testkit';
import type { Page } from 'playwright-core';
import { initialPassword, launchAdminBrowser, signIn } from './browser.js';

/**
 * Renders the README's screenshots of the site admin page at its design size, 1280×800,
 * zh-CN, over real site servers: the sign-in and the import on an empty site, the other
 * screens on a site whose first sitting is under way in room R1.
 *   tsx apps/site-admin/src/testing/screenshots.ts [--out docs/screenshots]
 */
const SITTING = 'S-J-ECON';
const MIN = 60_000;
const ROOMS = 4;
const PER_ROOM = 12;
const { values } = parseCommand({
  name: 'admin:screenshots',
  usage: 'admin:screenshots [--out DIR]   (default docs/screenshots; files admin-*.png)',
  options: { out: { type: 'string' } },
});
const out = values.out ?? fileURLToPath(new URL('../../../../docs/screenshots', import.meta.url));
mkdirSync(out, { recursive: true });
const log = (m: string) => process.stderr.write(`${m}\n`);
const shot = async (page: Page, name: string) => {
  // Let the last reply render (and a progress bar finish its transition) before the shot.
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(out, `admin-${name}.png`) });
  log(`admin-${name}.png`);
};

log(`admin page: ${await ensureAdminPage()}`);
const browser = await launchAdminBrowser();
const empty = await startEmptyTestSite({ rooms: ROOMS, perRoom: PER_ROOM });
const site = await startTestSite({ rooms: ROOMS, perRoom: PER_ROOM });
const machines: SimulatedCandidate[] = [];
try {
  // 1. Sign-in, after one wrong password; 2. the import with its result.
  const first = await browser.open(empty.url);
  await first.getByTestId('signin-password').fill('wrong-password');
  await first.getByTestId('signin-submit').click();
  await first.getByTestId('signin-error').waitFor();
  await first.getByTestId('signin-password').fill('');
  await shot(first, 'signin');
  await signIn(first, initialPassword(empty.dataDir));
  const pkg = (name: string, buffer: Buffer) => ({ name, mimeType: 'application/octet-stream', buffer });
  await first.getByTestId('import-exam-file').setInputFiles(pkg('exam-data.exampkg', empty.built.examData));
  await first.getByTestId('import-exam-upload').click();
  await first.getByTestId('import-exam-result').waitFor();
  await first
    .getByTestId('import-auth-file')
    .setInputFiles(pkg('authorization.exampkg', empty.built.authorization));
  await first.getByTestId('import-auth-upload').click();
  await first.getByTestId('import-auth-result').waitFor();
  await shot(first, 'import');
  await first.context().close();

  // The morning in room R1: login open, ten machines logged in, one absent, started, two handed in.
  const proctor = await proctorSocket(site, 'R1');
  await call(proctor, 'login:open', { sittingId: SITTING });
  for (let seat = 1; seat <= 10; seat++) {
    const m = await SimulatedCandidate.register(site, seat);
    machines.push(m);
    await m.login();
  }
  for (let seat = 1; seat <= 6; seat++)
    machines.push(await SimulatedCandidate.register(site, seat, { room: 2 }));
  await call(proctor, 'candidate:absent', { sittingId: SITTING, ticketNo: ticketFor(1, 12), absent: true });
  site.clock.set(site.juniorStart);
  await call(proctor, 'sitting:start', { sittingId: SITTING });
  site.clock.set(site.juniorStart + 78 * MIN);
  await machines[2]!.handIn(SITTING);
  await machines[6]!.handIn(SITTING);
  const r2 = await proctorSocket(site, 'R2');
  await call(r2, 'login:open', { sittingId: SITTING });
  // An interim answer package, so the sittings screen has one to show.
  await siteFetch(`${site.url}/api/admin/sittings/${SITTING}/answer-package`, {
    method: 'POST',
    headers: { authorization: `Bearer ${site.server.adminToken}` },
  });

  const page = await browser.open(site.url);
  await signIn(page, initialPassword(site.dataDir));

  // 3. The arrangement check: three rooms scanned, one of them printed from another arrangement.
  const spec = testExamSpec({ rooms: ROOMS, perRoom: PER_ROOM, juniorStart: new Date(site.juniorStart) });
  await page.getByTestId('nav-arrangement').click();
  await page.getByTestId('arrangement-table').waitFor();
  for (const code of [
    arrangementCode(spec, 'R1'),
    arrangementCode(spec, 'R2'),
    arrangementCode({ ...spec, arrangementTimestamp: '2021-10-18T02:00:00.000Z' }, 'R3'),
  ]) {
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
    await page.getByTestId('arrangement-result').waitFor();
  }
  await page.getByTestId('arrangement-state-R3').filter({ hasText: '不一致' }).waitFor();
  await shot(page, 'arrangement');

  // 4. Registered keys; 5. every room; 6. the sittings; 7. the refused cleanup.
  await page.getByTestId('nav-keys').click();
  await page.getByTestId('keys-table').waitFor();
  await shot(page, 'keys');
  await page.getByTestId('nav-rooms').click();
  await page.getByTestId('rooms-table').waitFor();
  await shot(page, 'rooms');
  await page.getByTestId('nav-sittings').click();
  await page.getByTestId(`sitting-${SITTING}`).waitFor();
  await page.getByTestId('sitting-package').first().waitFor();
  await shot(page, 'sittings');
  await page.getByTestId('nav-cleanup').click();
  await page.getByTestId('cleanup-button').click();
  await page.getByTestId('dialog-confirm').click();
  await page.getByTestId('cleanup-missing').waitFor();
  await shot(page, 'cleanup');
  process.stdout.write(`screenshots in ${out} (admin-*.png)\n`);
  proctor.close();
  r2.close();
} catch (e) {
  log(`failed: ${e instanceof Error ? e.stack : String(e)}`);
  process.exitCode = 1;
} finally {
  for (const m of machines) m.close();
  await browser.close();
  await Promise.all([site.stop(), empty.stop()]);
}
