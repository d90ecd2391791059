import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idNumberFor, ticketFor } from '@exam/centre';
import { type CandidateSite, SENIOR_SITTING, startCandidateSite } from '@exam/testkit';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEXT_SAVE_DEBOUNCE_MS } from '../renderer/model/timing.js';
import { a11yViolations, describeViolations } from './support/a11y.js';
import { candidatePage, launchChromium } from './support/browser.js';
import { startTestMachine, type TestMachine } from './support/machine.js';
import { builtRenderer } from './support/renderer.js';

/**
 * The senior sitting: the typing test before the start, written answers typed through a
 * Chinese input method (real composition events from Chromium's IME API), a restart of
 * the client mid-sitting, the reminders and the automatic hand-in at the end.
 */
const MIN = 60_000;
const SEAT = 4; // perRoom 3 juniors, then the senior
const TICKET = ticketFor(1, SEAT);

let site: CandidateSite;
let browser: Browser;
let machine: TestMachine;
let page: Page;
let cdp: CDPSession;
let dir: string;
let rendererDir: string;

const journalled = (itemId: string) => machine.host.core.answers().find((a) => a.itemId === itemId)?.value;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** WCAG 2 A/AA (colour contrast included) as axe-core measures the screen shown now. */
async function expectAccessible(screen: string): Promise<void> {
  const violations = await a11yViolations(page);
  expect(violations, `${screen}:\n${describeViolations(violations)}`).toEqual([]);
}

/** Types through an IME as a candidate does: pinyin composes, then a choice commits. */
async function imeType(pinyin: string, chosen: string, pauseMs = 0): Promise<void> {
  for (let i = 1; i <= pinyin.length; i++) {
    const text = pinyin.slice(0, i);
    await cdp.send('Input.imeSetComposition', { text, selectionStart: i, selectionEnd: i });
  }
  if (pauseMs) await sleep(pauseMs);
  await cdp.send('Input.insertText', { text: chosen });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'candidate-senior-'));
  [rendererDir, site, browser] = await Promise.all([builtRenderer(), startCandidateSite(), launchChromium()]);
  site.clock.set(site.seniorStart - 30 * MIN);
  await site.proctorCall('login:open', { sittingId: SENIOR_SITTING });
  machine = await startTestMachine({ site, rendererDir, dir, seatNo: SEAT });
  page = await candidatePage(browser);
  cdp = await page.context().newCDPSession(page);
});

afterAll(async () => {
  await browser?.close();
  await machine?.stop();
  await site?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('senior sitting in Chromium', () => {
  it('runs the typing test before the start, then the notice', async () => {
    await page.goto(machine.web.url);
    await page.getByLabel('准考证号').fill(TICKET);
    await page.getByLabel('身份证号').fill(idNumberFor(SEAT));
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('button', { name: '确认登录' }).click();
    await page.getByRole('heading', { name: '键盘及输入法测试' }).waitFor();
    await page.getByLabel('在此输入测试文字').click();
    await imeType('jingji', '经济');
    expect(await page.getByText('已输入 2 字').count()).toBe(1);
    await expectAccessible('typing test');
    await page.getByRole('button', { name: '测试完成' }).click();
    await page.getByLabel('我已阅读并遵守以上规定').check();
    site.clock.set(site.seniorStart);
    await site.proctorCall('sitting:start', { sittingId: SENIOR_SITTING });
    await page.getByRole('button', { name: '开始答题' }).click();
    await page.locator('[data-screen="exam"]').waitFor();
    expect(await page.getByRole('complementary').textContent()).toContain(
      '甲公司是一家生产家用电器的上市公司',
    );
  });

  it('saves nothing mid-composition and loses nothing at composition end', async () => {
    const answer = page.getByLabel('第 1 题作答区');
    await answer.click();
    await imeType('jiaqiang', '加强', 0);
    // Pinyin open for longer than the save debounce: still nothing journalled.
    await cdp.send('Input.imeSetComposition', { text: 'chuangxin', selectionStart: 9, selectionEnd: 9 });
    await sleep(TEXT_SAVE_DEBOUNCE_MS * 3);
    expect(journalled('S-001')).toBe('加强');
    await cdp.send('Input.insertText', { text: '创新' });
    await page.keyboard.type('，');
    await imeType('tisheng', '提升竞争力。');
    await expect.poll(() => journalled('S-001'), { timeout: 5_000 }).toBe('加强创新，提升竞争力。');
    expect(await page.getByTestId('char-count').textContent()).toBe('已输入 11 / 2000 字');
    await expectAccessible('exam screen, written answer');
    await expect
      .poll(() => site.storedChanges(TICKET).at(-1)?.value, { timeout: 5_000 })
      .toBe('加强创新，提升竞争力。');
    // No save ever carried pinyin.
    expect(site.storedChanges(TICKET).some((c) => /[a-z]/.test(String(c.value)))).toBe(false);
  });

  it('saves what was typed when the candidate leaves the item before the debounce', async () => {
    await page.getByRole('button', { name: '下一题' }).click();
    await page.getByLabel('第 2 题作答区').click();
    await imeType('fengxian', '风险');
    await page.getByRole('button', { name: '上一题' }).click();
    expect(journalled('S-002')).toBe('风险');
  });

  it('resumes where it was after the client restarts mid-sitting, and tells the proctor', async () => {
    const port = Number(new URL(machine.web.url).port);
    const token = machine.web.token;
    await machine.stop();
    machine = await startTestMachine({ site, rendererDir, dir, seatNo: SEAT, port, token });
    await page.reload();
    await page.locator('[data-screen="exam"]').waitFor();
    expect(await page.getByLabel('第 1 题作答区').inputValue()).toBe('加强创新，提升竞争力。');
    await expect
      .poll(() =>
        site.server.ctx.db
          .prepare('SELECT kind, ticket_no FROM client_alerts WHERE machine_id = ?')
          .all(machine.fingerprint),
      )
      .toContainEqual({ kind: 'restarted', ticket_no: TICKET });
  });

  it('reminds at 10 and 5 minutes left, then hands in automatically at the end', async () => {
    const endsAt = machine.host.core.sitting()!.endsAt!;
    site.clock.set(endsAt - 10 * MIN);
    const reminder = page.getByRole('alertdialog', { name: '时间提醒' });
    await reminder.waitFor();
    expect(await reminder.textContent()).toContain('距离考试结束还有 10 分钟');
    await expectAccessible('time reminder');
    await reminder.getByRole('button', { name: '知道了' }).click();
    site.clock.set(endsAt - 5 * MIN);
    await reminder.waitFor();
    expect(await reminder.textContent()).toContain('还有 5 分钟');
    await page.keyboard.press('Escape');

    site.clock.set(endsAt);
    await site.server.tick();
    await page.locator('[data-screen="end"]').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('考试时间到，系统已自动交卷');
    await expectAccessible('end screen, handed in automatically');
  });
});
