import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idNumberFor, ticketFor } from '@exam/centre';
import { displayFingerprint } from '@exam/protocol';
import {
  approvedMachine,
  call,
  connected,
  NetworkLink,
  rawSocket,
  startTestSite,
  type TestSite,
  testMachineFingerprint,
} from '@exam/testkit';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../testing/browser.js';
import { type ConsoleUnderTest, openConsole, TEST_PIN } from '../testing/consoleHarness.js';
import { eventually } from '../testing/eventually.js';
import { chiefKeyFile, openPackageFile, writeAnswerFile } from '../testing/standaloneFiles.js';

/**
 * Standalone mode (issue 17) on the console in real Chromium (web mode) against a real site:
 * the consent and export dialog from a candidate's detail, the code shown once, large and
 * grouped, the tile saying 单机考试中; the site server unreachable (export refused with the
 * sentence, nothing written; collection kept as 待回收 and merged once when it is back);
 * the list of cases and the end checklist.
 */
const SITTING = 'S-J-ECON';
const T1 = ticketFor(1, 1);
const T2 = ticketFor(1, 2);
const TARGET = 'h4-e2e-target';

let site: TestSite;
let link: NetworkLink;
let browser: TestBrowser;
let c: ConsoleUnderTest;
let chiefKey: string;
let stick: string;
const sockets: Socket[] = [];
let code = '';
let packagePath = '';

async function machine(seatNo: number, label: string): Promise<Socket> {
  const s = rawSocket(site.url, 'candidate');
  sockets.push(s);
  await connected(s);
  await approvedMachine(site.url, s, { roomId: 'R1', seatNo, machineId: label });
  return s;
}

beforeAll(async () => {
  [site, browser] = await Promise.all([startTestSite({ rooms: 1, perRoom: 3 }), launchBrowser()]);
  link = await NetworkLink.create(site.url);
  c = await openConsole(site, 'R1', browser, { serverUrl: link.url });
  chiefKey = chiefKeyFile(site);
  stick = mkdtempSync(join(tmpdir(), 'h4-e2e-usb-'));
  await c.page.getByTestId('room-name').waitFor();
  expect((await c.host.invoke('openLogin', { sittingId: SITTING })).ok).toBe(true);
  const m1 = await machine(1, 'h4-e2e-1');
  const m2 = await machine(2, 'h4-e2e-2');
  await machine(3, TARGET);
  for (const [m, ticketNo, n] of [
    [m1, T1, 1],
    [m2, T2, 2],
  ] as const) {
    const r = await call<{ ok: boolean }>(m, 'candidate:login', { ticketNo, idNumber: idNumberFor(n) });
    expect(r.ok).toBe(true);
  }
  site.clock.set(site.juniorStart);
  expect((await c.host.invoke('start', { sittingId: SITTING })).ok).toBe(true);
  site.clock.advance(10 * 60_000);
  await c.host.resync();
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await c?.close();
  await link?.close();
  await browser?.close();
  await site?.stop();
});

const tile = (ticketNo: string) => c.page.getByTestId(`tile-${ticketNo.slice(-3)}`);

describe('export with consent, at the console', () => {
  it('exports from the candidate’s detail and shows the authorization code large, grouped, with where the file went', async () => {
    const { page } = c;
    await tile(T1).click();
    await page.getByTestId('act-standalone').click();
    const dialog = page.getByTestId('standalone-export-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('dialog-submit').isDisabled()).toBe(true);
    await dialog.getByTestId('reason').fill('考试机与备用机均故障');
    // The target machine as its standalone screen shows it; the busy machine is marked.
    await eventually(() => dialog.getByTestId('standalone-machine').locator('option').count()).toBe(4);
    expect(await dialog.getByTestId('standalone-machine').textContent()).toContain('（有考生在用）');
    await dialog
      .getByTestId('standalone-fingerprint')
      .fill(displayFingerprint(testMachineFingerprint(TARGET)));
    expect(await dialog.getByTestId('standalone-machine-chosen').textContent()).toContain(
      `座位 3 · 指纹 ${displayFingerprint(testMachineFingerprint(TARGET))}`,
    );
    await dialog.getByTestId('chief-key').fill(chiefKey);
    await dialog.getByTestId('chief-pin').fill(TEST_PIN);
    await dialog.getByTestId('standalone-folder').fill(stick);
    await dialog.getByTestId('dialog-submit').click();

    const shown = page.getByTestId('standalone-code-dialog');
    await shown.waitFor();
    const groups = await shown.getByTestId('standalone-code').locator('.group').allTextContents();
    expect(groups).toHaveLength(3);
    for (const g of groups) expect(g).toMatch(/^[0-9A-Z]{4}$/);
    code = groups.join('-');
    const fontSize = await shown.getByTestId('standalone-code').evaluate(
      (el) =>
        // The page's own window (this file is type-checked without the DOM library).
        (globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(el)
          .fontSize,
    );
    expect(Number.parseFloat(String(fontSize))).toBeGreaterThanOrEqual(32);
    const files = readdirSync(stick);
    expect(files).toHaveLength(1);
    packagePath = join(stick, files[0]!);
    expect(await shown.getByTestId('standalone-saved-to').textContent()).toBe(`考试包已写入：${packagePath}`);
    // The code opens the package on the target machine: it is the real one.
    expect(openPackageFile(site, packagePath, code, TARGET).candidate.ticketNo).toBe(T1);
    // Nothing of the chief examiner's key is left on the page.
    expect(await page.content()).not.toContain(TEST_PIN);
    await shown.getByTestId('dialog-cancel').click();
    await eventually(() => tile(T1).getAttribute('data-state')).toBe('standalone');
    expect(await tile(T1).locator('.state').textContent()).toBe('单机考试中');
  });

  it('holds the end: the checklist names the package out, and lists the case beside it', async () => {
    const { page } = c;
    await page.getByTestId('end').click();
    const dialog = page.getByTestId('end-dialog');
    const item = dialog.locator('[data-key="standalone-collected"]');
    await eventually(() => item.getAttribute('data-ok')).toBe('false');
    expect(await item.textContent()).toContain('单机考试作答已回收');
    expect(await item.getByTestId('check-detail').textContent()).toContain(
      '还有 1 个单机考试包的作答未回收。',
    );
    const row = dialog.getByTestId('end-standalone').getByTestId('standalone-row');
    await eventually(() => row.getAttribute('data-state')).toBe('exported');
    expect(await row.textContent()).toContain('单机考试中');
    expect(await dialog.getByTestId('dialog-submit').isDisabled()).toBe(true);
    await dialog.getByTestId('dialog-cancel').click();
  });

  it('offers 离线导出 when the site server cannot be reached, and writes nothing without the consent', async () => {
    const { page } = c;
    link.sever();
    await eventually(() => page.getByTestId('connection').textContent()).toBe('与考点服务器断开，正在重连…');
    await tile(T2).click();
    await page.getByTestId('act-standalone').click();
    const dialog = page.getByTestId('standalone-export-dialog');
    // The console holds the room's kit and the sitting key since the start (decision 0017, amendment).
    await eventually(() => dialog.getByTestId('standalone-offline').textContent()).toContain(
      '考点服务器不可达',
    );
    expect(await dialog.getByTestId('dialog-submit').textContent()).toBe('主考同意并离线导出');
    await dialog.getByTestId('reason').fill('考试机故障');
    await dialog.getByTestId('standalone-fingerprint').fill(testMachineFingerprint(TARGET));
    const elsewhere = mkdtempSync(join(tmpdir(), 'h4-e2e-usb2-'));
    await dialog.getByTestId('standalone-folder').fill(elsewhere);
    // No chief examiner key presented: nothing can be submitted, nothing is written.
    expect(await dialog.getByTestId('dialog-submit').isDisabled()).toBe(true);
    await dialog.getByTestId('dialog-cancel').click();
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});

describe('collection (回收), at the console', () => {
  it('keeps an answer file while the server is unreachable, shows 待回收, and collects it once when it is back', async () => {
    const { page } = c;
    const pkg = openPackageFile(site, packagePath, code, TARGET);
    const file = writeAnswerFile(pkg, TARGET, stick, {
      fileSeq: 1,
      changes: [
        { seq: 1, itemId: 'J-001', value: 'A', elapsedMs: 30_000 },
        { seq: 2, itemId: 'J-002', value: ['B', 'C'], elapsedMs: 60_000 },
      ],
      handIn: { elapsedMs: 90_000, auto: false },
    });
    await page.getByTestId('standalone').click();
    await page.getByTestId('standalone-dialog').getByTestId('standalone-collect').click();
    const dialog = page.getByTestId('standalone-collect-dialog');
    await dialog.getByTestId('standalone-file').fill(file);
    await dialog.getByTestId('dialog-submit').click();
    await eventually(() => dialog.getByTestId('standalone-collect-result').textContent()).toContain(
      '考点服务器不可用：作答文件',
    );
    await eventually(() => page.getByTestId('standalone-pending-count').textContent()).toBe('待回收 1');
    expect(readdirSync(join(c.dataDir, 'standalone-queue'))).toHaveLength(1);
    await dialog.getByTestId('dialog-cancel').click();

    link.heal();
    await expect
      .poll(() => page.getByTestId('standalone-pending-count').count(), { timeout: 30_000, interval: 100 })
      .toBe(0);
    await eventually(() => page.getByTestId('flash').textContent()).toContain(
      `已回收 ${T1} 的作答：合并 2 条，已有 0 条，考试结束后的 0 条未采用。考生已交卷。`,
    );
    const stored = site.server.ctx.db
      .prepare(
        'SELECT COUNT(*) FROM answer_changes WHERE ticket_no = ? AND standalone_package_id IS NOT NULL',
      )
      .pluck()
      .get(T1);
    expect(stored).toBe(2);
    await eventually(() => tile(T1).getAttribute('data-state')).toBe('handed-in');
  });

  it('words a refused file in Chinese: the same package’s older file after a newer one', async () => {
    const { page } = c;
    const pkg = openPackageFile(site, packagePath, code, TARGET);
    const older = writeAnswerFile(pkg, TARGET, mkdtempSync(join(tmpdir(), 'h4-e2e-old-')), {
      fileSeq: 1,
      changes: [{ seq: 1, itemId: 'J-001', value: 'A', elapsedMs: 30_000 }],
    });
    // A newer file was collected: number 1 again is refused only when it is older than the last.
    const newer = writeAnswerFile(pkg, TARGET, mkdtempSync(join(tmpdir(), 'h4-e2e-new-')), {
      fileSeq: 2,
      changes: [{ seq: 1, itemId: 'J-001', value: 'A', elapsedMs: 30_000 }],
    });
    expect((await c.host.invoke('standaloneCollect', { path: newer })).ok).toBe(true);
    await page.getByTestId('standalone').click();
    await page.getByTestId('standalone-dialog').getByTestId('standalone-collect').click();
    const dialog = page.getByTestId('standalone-collect-dialog');
    await dialog.getByTestId('standalone-file').fill(older);
    await dialog.getByTestId('dialog-submit').click();
    await eventually(() => dialog.getByTestId('dialog-error').textContent()).toBe(
      '此作答文件（序号 1）比已回收的文件（序号 2）旧，是重放或较早的文件，未合并。',
    );
    await dialog.getByTestId('dialog-cancel').click();
  });

  it('lists the room’s standalone cases with who consented, when, the machine and the answers collected', async () => {
    const { page } = c;
    await page.getByTestId('standalone').click();
    const row = page.getByTestId('standalone-dialog').getByTestId('standalone-row');
    await eventually(() => row.getAttribute('data-state')).toBe('collected');
    const text = await row.textContent();
    expect(text).toContain('已回收');
    expect(text).toContain('主考');
    expect(text).toContain('考试机与备用机均故障');
    expect(text).toContain(displayFingerprint(testMachineFingerprint(TARGET)));
    expect(text).toMatch(/2 条（最近文件序号 2）/);
    await page.getByTestId('standalone-dialog').getByTestId('dialog-cancel').click();
  });
});
