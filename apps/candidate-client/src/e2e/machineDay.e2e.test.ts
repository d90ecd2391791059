import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idNumberFor, juniorTestPaper, ticketFor } from '@exam/centre';
import { type CandidateSite, JUNIOR_SITTING, startCandidateSite } from '@exam/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { a11yViolations, describeViolations } from './support/a11y.js';
import { candidatePage, launchChromium } from './support/browser.js';
import { startTestMachine, type TestMachine } from './support/machine.js';
import { builtRenderer } from './support/renderer.js';

/**
 * The machine between two candidates, in real Chromium: after a hand-in the result, then
 * "完成" (from the keyboard) and the login screen for the next sitting; the machine a
 * reset released shows a locked screen, with no login form. A long paper, so the hand-in
 * dialog's lists of numbers wrap.
 */
const MIN = 60_000;
const ITEMS = 120;

let site: CandidateSite;
let browser: Browser;
let dir: string;
let first: { machine: TestMachine; page: Page };
let released: { machine: TestMachine; page: Page };

async function expectAccessible(page: Page, screen: string): Promise<void> {
  const violations = await a11yViolations(page);
  expect(violations, `${screen}:\n${describeViolations(violations)}`).toEqual([]);
}

/** Logs in through the login and confirmation screens and ticks the notice. */
async function logIn(page: Page, seat: number): Promise<void> {
  await page.getByLabel('准考证号').fill(ticketFor(1, seat));
  await page.getByLabel('身份证号').fill(idNumberFor(seat));
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('button', { name: '确认登录' }).click();
  await page.locator('[data-screen="notice"]').waitFor();
  // Through the bridge, as the checkbox does: the notice is not what these tests are about,
  // and a click can race the host's periodic state push on a busy machine.
  await page.evaluate("window.candidate.invoke('setNoticeRead', [true])");
  await expect
    .poll(() => page.getByLabel('我已阅读并遵守以上规定').isChecked(), { timeout: 10_000 })
    .toBe(true);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'candidate-day-'));
  let rendererDir: string;
  [rendererDir, site, browser] = await Promise.all([
    builtRenderer(),
    startCandidateSite({ juniorPaper: juniorTestPaper(ITEMS) }),
    launchChromium(),
  ]);
  const open = async (seatNo: number) => {
    const machine = await startTestMachine({ site, rendererDir, dir, seatNo });
    const page = await candidatePage(browser);
    await page.goto(machine.web.url);
    await page.locator('[data-screen="login"]').waitFor();
    return { machine, page };
  };
  [first, released] = await Promise.all([open(1), open(2)]);
});

afterAll(async () => {
  await browser?.close();
  for (const m of [first, released]) await m?.machine.stop();
  await site?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a machine between two sittings, in Chromium', () => {
  it('names its room as the server does, before and after login', async () => {
    const seat = first.page.locator('.topbar-seat');
    await expect.poll(() => seat.textContent(), { timeout: 10_000 }).toBe('考场 第1考场 · 机位 1');
    await site.proctorCall('login:open', { sittingId: JUNIOR_SITTING });
    for (const m of [first, released]) await logIn(m.page, m === first ? 1 : 2);
    expect(await seat.textContent()).toBe('考场 第1考场 · 机位 1');
    site.clock.set(site.juniorStart);
    await site.proctorCall('sitting:start', { sittingId: JUNIOR_SITTING });
    await first.page.getByRole('button', { name: '开始答题' }).click();
    await first.page.locator('[data-screen="exam"]').waitFor();
  });

  it('keeps every question number whole in the hand-in dialog', async () => {
    const page = first.page;
    site.clock.advance(75 * MIN);
    const handIn = page.getByRole('button', { name: '交卷', exact: true });
    await expect.poll(() => handIn.isEnabled(), { timeout: 10_000 }).toBe(true);
    await handIn.click();
    const list = page.getByRole('dialog', { name: '确认交卷' }).getByTestId('handin-unanswered');
    const lines = await list.evaluate((dd) => {
      const numbers = [...dd.querySelectorAll('.item-number')];
      return {
        // A number broken across lines would have boxes on two rows.
        broken: numbers
          .filter((n) => new Set([...n.getClientRects()].map((r) => Math.round(r.top))).size !== 1)
          .map((n) => n.textContent),
        rows: new Set(numbers.map((n) => Math.round(n.getBoundingClientRect().top))).size,
        count: numbers.length,
      };
    });
    // The list does wrap (120 numbers), and only between numbers.
    expect(lines).toMatchObject({ broken: [], count: ITEMS });
    expect(lines.rows).toBeGreaterThan(1);
    expect((await list.textContent())?.startsWith('1、2、3、')).toBe(true);
  });

  it('shows the result after the hand-in, then returns to the login screen on 完成, from the keyboard', async () => {
    const page = first.page;
    await page.getByRole('dialog').getByRole('button', { name: '确认交卷' }).click();
    await page.getByRole('heading', { name: '交卷成功' }).waitFor();
    await expectAccessible(page, 'end screen with 完成');
    // The heading has the focus when the screen appears; the next stop is 完成.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('完成');
    await page.keyboard.press('Enter');
    await page.locator('[data-screen="login"]').waitFor();
    expect(await page.getByLabel('准考证号').inputValue()).toBe('');
    expect(await page.locator('.topbar-seat').textContent()).toBe('考场 第1考场 · 机位 1');
    await expectAccessible(page, 'login screen between sittings');
    // A reload shows the same screen: the machine has moved on for good.
    await page.reload();
    await page.locator('[data-screen="login"]').waitFor();
  });

  it('locks the machine a reset released, with no login form', async () => {
    const page = released.page;
    await site.proctorCall('candidate:reset', {
      sittingId: JUNIOR_SITTING,
      ticketNo: ticketFor(1, 2),
      reason: '考试机黑屏',
    });
    await page.locator('[data-screen="locked"]').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      '本机已被监考老师释放，请勿使用',
    );
    expect(await page.getByTestId('locked-reason').textContent()).toBe('释放原因：考试机黑屏');
    expect(await page.locator('input, form').count()).toBe(0);
    await expectAccessible(page, 'locked screen');
    await page.reload();
    await page.locator('[data-screen="locked"]').waitFor();
  });
});
