import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommand } from '@exam/cli';
import { SimulatedCandidate, startTestSite } from '@exam/testkit';
import { launchBrowser } from './browser.js';
import { openConsole } from './consoleHarness.js';

/**
 * The README's screenshots of an overbooked site (issue 19) at 1280×800, zh-CN, over a real
 * site server: the entry dialog with a drawn seat, the transfer-out dialog of a full room, the
 * other room's transfer-in list (its take-in refused with the room's figures), and the first
 * page of room 1's part of the transfer report (pdftoppm).
 *   tsx apps/proctor-console/src/testing/transferScreenshots.ts [--out docs/screenshots]
 */
const SITTING = 'S-J-ECON';
const { values } = parseCommand({
  name: 'proctor:transfer-screenshots',
  usage: 'transferScreenshots [--out DIR]   (default docs/screenshots)',
  options: { out: { type: 'string' } },
});
const out = values.out ?? fileURLToPath(new URL('../../../../docs/screenshots', import.meta.url));
const ticket = (room: number, k: number) =>
  `2104${String(room).padStart(3, '0')}${String(k).padStart(5, '0')}`;
const log = (m: string) => process.stderr.write(`${m}\n`);

const site = await startTestSite({ rooms: 2, perRoom: 5, roomSeats: [4, 4], overbooked: true, items: 10 });
const browser = await launchBrowser({ width: 1280, height: 800 });
const r1 = await openConsole(site, 'R1', browser);
const r2 = await openConsole(site, 'R2', browser);
const machines: SimulatedCandidate[] = [];
const must = async (host: typeof r1.host, name: string, args: unknown) => {
  const r = await host.invoke(name, args);
  if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
  return r.value as Record<string, unknown>;
};
try {
  mkdirSync(out, { recursive: true });
  for (const c of [r1, r2]) await must(c.host, 'openLogin', { sittingId: SITTING });
  for (const seat of [1, 2]) machines.push(await SimulatedCandidate.register(site, seat));
  const page = r1.page;
  await page.getByTestId('entry').click();
  const entry = page.getByTestId('entry-dialog');
  await entry.getByTestId('entry-ticket').fill(ticket(1, 1).slice(-3));
  await entry.getByTestId('entry-ticket').press('Enter');
  await entry.getByTestId('entry-seat').waitFor();
  await page.screenshot({ path: join(out, 'proctor-transfer-entry.png') });
  const seat = Number(await entry.getByTestId('entry-seat').textContent());
  await entry.getByTestId('dialog-submit').click();
  await entry.getByTestId('entry-done').waitFor();
  await machines.find((m) => m.seatNo === seat)!.login(1);
  // The second arrival takes the other machine: the room is full.
  await must(r1.host, 'assignSeat', { ticketNo: ticket(1, 2), seatNo: 3 - seat });
  await machines.find((m) => m.seatNo === 3 - seat)!.login(2);
  log('two seated');
  await entry.getByTestId('entry-ticket').fill(ticket(1, 3).slice(-3));
  await entry.getByTestId('entry-ticket').press('Enter');
  await entry.getByTestId('entry-transfer-out').click();
  const transferOut = page.getByTestId('transfer-out-dialog');
  await transferOut.getByTestId('reason').fill('考场已满，考试机不足');
  await page.screenshot({ path: join(out, 'proctor-transfer-out.png') });
  await transferOut.getByTestId('dialog-submit').click();
  await page.getByTestId('flash').waitFor();
  await must(r1.host, 'transferOut', { ticketNo: ticket(1, 4), reason: '迟到，考场已满' });
  log('two out');
  await r2.page.getByTestId('transfers').click();
  const list = r2.page.getByTestId('transfers-dialog');
  await list.locator('[data-testid="take-in-row"]').nth(1).waitFor();
  // Room 2 has no approved machine free yet: the take-in is refused with the figures.
  await list.getByTestId(`take-in-${ticket(1, 3).slice(-3)}`).click();
  await list.getByTestId('dialog-error').waitFor();
  await r2.page.screenshot({ path: join(out, 'proctor-transfer-in.png') });
  // Then a machine is approved, room 2 takes candidate 3 in, and room 1 resolves candidate 4.
  machines.push(await SimulatedCandidate.register(site, 1, { room: 2 }));
  const transfers = (await must(r2.host, 'openTransfers', {})).transfers as {
    transferId: number;
    ticketNo: string;
  }[];
  const byTicket = new Map(transfers.map((x) => [x.ticketNo, x.transferId]));
  await must(r2.host, 'transferIn', { transferId: byTicket.get(ticket(1, 3)) });
  await must(r1.host, 'resolveTransfer', {
    transferId: byTicket.get(ticket(1, 4)),
    outcome: 'absent',
    note: '未到接收考场',
  });
  const report = await must(r1.host, 'transferReport', { sittingId: SITTING });
  const tmp = mkdtempSync(join(tmpdir(), 'transfer-report-'));
  const pdf = join(tmp, 'report.pdf');
  writeFileSync(pdf, Buffer.from(String(report.pdfBase64), 'base64'));
  execFileSync('pdftoppm', [
    '-png',
    '-r',
    '90',
    '-f',
    '1',
    '-l',
    '1',
    '-singlefile',
    pdf,
    join(out, 'proctor-transfer-report'),
  ]);
  rmSync(tmp, { recursive: true, force: true });
  process.stdout.write(`screenshots in ${out}\n`);
} catch (e) {
  log(`failed: ${e instanceof Error ? e.stack : String(e)}`);
  process.exitCode = 1;
} finally {
  for (const m of machines) m.close();
  await r1.close();
  await r2.close();
  await browser.close();
  await site.stop();
}
