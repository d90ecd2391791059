import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idNumberFor, ticketFor } from '@exam/centre';
import { type CandidateSite, JUNIOR_SITTING, NetworkLink, startCandidateSite } from '@exam/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { a11yViolations, describeViolations } from './support/a11y.js';
import { candidatePage, launchChromium } from './support/browser.js';
import { startTestMachine, type TestMachine } from './support/machine.js';
import { builtRenderer } from './support/renderer.js';

/**
 * The junior sitting end to end in real Chromium: the real renderer, the real host and
 * CandidateCore with its journal, the real site server behind a link the test can cut.
 */
const MIN = 60_000;
const TICKET = ticketFor(1, 1);

let site: CandidateSite;
let link: NetworkLink;
let browser: Browser;
let machine: TestMachine;
let page: Page;
let dir: string;

async function until(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The latest value per item that the server has committed. */
function serverAnswers(): Map<string, { value: unknown; flagged: boolean }> {
  const latest = new Map<string, { value: unknown; flagged: boolean }>();
  for (const c of site.storedChanges(TICKET)) latest.set(c.itemId, { value: c.value, flagged: c.flagged });
  return latest;
}

/** WCAG 2 A/AA (colour contrast included) as axe-core measures the screen shown now. */
async function expectAccessible(screen: string): Promise<void> {
  const violations = await a11yViolations(page);
  expect(violations, `${screen}:\n${describeViolations(violations)}`).toEqual([]);
}

const synced = () => {
  const s = machine.host.core.status();
  return s.connected && s.pending === 0;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'candidate-e2e-'));
  const [rendererDir, startedSite, startedBrowser] = await Promise.all([
    builtRenderer(),
    startCandidateSite(),
    launchChromium(),
  ]);
  site = startedSite;
  browser = startedBrowser;
  link = await NetworkLink.create(site.url);
  machine = await startTestMachine({ site, rendererDir, dir, seatNo: 1, serverUrl: link.url });
  page = await candidatePage(browser);
});

afterAll(async () => {
  await browser?.close();
  await machine?.stop();
  await link?.close();
  await site?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('candidate client in Chromium against a real site server', () => {
  it('logs in only once the proctor opens login, then confirms the candidate’s details', async () => {
    await page.goto(machine.web.url);
    await page.getByLabel('准考证号').fill(TICKET);
    await page.getByLabel('身份证号').fill(idNumberFor(1));
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: '尚未开放登录' }).count()).toBe(1);
    await expectAccessible('login, refused');

    await site.proctorCall('login:open', { sittingId: JUNIOR_SITTING });
    await page.getByRole('button', { name: '登录' }).click();
    const confirm = page.locator('[data-screen="confirm"]');
    await confirm.waitFor();
    for (const text of ['王晓明', TICKET, '初级', '工商管理', '经济基础知识', '第1考场 / 1'])
      expect(await confirm.textContent()).toContain(text);
    expect(
      await page
        .getByRole('img', { name: '考生照片' })
        .evaluate((img) => (img as { naturalWidth: number }).naturalWidth),
    ).toBe(295);
    // The machine check reached the server with the browser's screen.
    const check = site.server.ctx.db
      .prepare('SELECT check_json, shortfalls FROM machines WHERE machine_id = ?')
      .get(machine.fingerprint) as { check_json: string; shortfalls: string };
    expect(JSON.parse(check.check_json)).toMatchObject({
      screenWidth: 1024,
      screenHeight: 768,
      clientVersion: '0.1.0',
    });
    expect(JSON.parse(check.shortfalls)).toEqual([]);
    await expectAccessible('confirmation');
    await page.getByRole('button', { name: '确认登录' }).click();
  });

  it('counts down to the start on the notice and opens the paper at the start command', async () => {
    await expect.poll(() => page.getByTestId('notice-countdown').textContent()).toBe('距开考还有 0:30:00');
    const enter = page.getByRole('button', { name: '开始答题' });
    expect(await enter.isDisabled()).toBe(true);
    await expectAccessible('notice');
    await page.getByLabel('我已阅读并遵守以上规定').check();
    site.clock.set(site.juniorStart);
    await site.proctorCall('sitting:start', { sittingId: JUNIOR_SITTING });
    await expect.poll(() => enter.isEnabled()).toBe(true);
    await enter.click();
    await page.locator('[data-screen="exam"]').waitFor();
    expect(await page.getByTestId('remaining').textContent()).toBe('1:30:00');
    await expectAccessible('exam screen');
  });

  it('answers every objective item type, flags one, and shows a case beside its questions', async () => {
    await page.getByRole('radio', { name: 'B. 需求曲线向右移动' }).check();
    await page.getByRole('button', { name: '下一题' }).click();
    for (const option of ['A. 累进所得税', 'B. 失业救济金', 'D. 农产品价格维持制度'])
      await page.getByRole('checkbox', { name: option }).check();
    await page.getByRole('button', { name: '下一题' }).click();
    await page.getByRole('radio', { name: '正确' }).check();
    await page.getByRole('button', { name: '下一题' }).click();
    await page.getByRole('button', { name: '⚑ 标记' }).click();
    // Jump by number to the case group: the case text sits beside the question.
    await page.getByLabel('跳转到题号').fill('5');
    await page.getByRole('button', { name: '跳转', exact: true }).click();
    const caseText = page.getByRole('complementary');
    expect(await caseText.textContent()).toContain('资本净额 96 亿元');
    await expectAccessible('exam screen, case beside its question');
    await page.getByRole('radio', { name: 'C. 12%' }).check();
    await page.getByRole('button', { name: '第 6 题，未作答' }).click();
    await page.getByRole('checkbox', { name: 'A. 负债业务' }).check();
    await page.getByRole('checkbox', { name: 'C. 主动负债' }).check();

    await until('every answer acknowledged', synced);
    expect(Object.fromEntries(serverAnswers())).toEqual({
      'J-001': { value: 'B', flagged: false },
      'J-002': { value: ['A', 'B', 'D'], flagged: false },
      'J-003': { value: true, flagged: false },
      'J-004': { value: null, flagged: true },
      'J-005': { value: 'C', flagged: false },
      'J-006': { value: ['A', 'C'], flagged: false },
    });
    expect(await page.getByRole('button', { name: '第 4 题，未作答，已标记' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: '第 1 题，已作答' }).count()).toBe(1);
  });

  it('works the calculator from the keyboard, with memory', async () => {
    await page.getByRole('button', { name: '计算器' }).click();
    const display = page.getByTestId('calc-display');
    // Keys typed before the panel holds focus go to the page, not the calculator: on a busy
    // machine the click returns before the panel's mount effect has focused it.
    await page.getByTestId('calculator').and(page.locator(':focus')).waitFor();
    await page.keyboard.type('96/800');
    await page.keyboard.press('Enter');
    await expect.poll(() => display.textContent()).toBe('0.12');
    await page.getByRole('button', { name: '存入存储' }).click();
    await page.keyboard.press('Escape');
    await page.keyboard.type('1+');
    await page.getByRole('button', { name: '读取存储' }).click();
    // Focus is on the MR key now, where Enter would press it again: '=' is always equals.
    await page.keyboard.press('=');
    await expect.poll(() => display.textContent()).toBe('M1.12');
    await expectAccessible('exam screen, calculator open');
    await page.getByRole('button', { name: '关闭计算器' }).click();
  });

  it('keeps answering through a network cut and loses nothing when it heals', async () => {
    link.sever();
    const banner = page.getByTestId('offline-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('连接已断开，答案已安全保存在本机');
    expect(await page.getByTestId('handin-why').textContent()).toBe('网络断开，恢复连接后可交卷');
    await expectAccessible('exam screen, offline banner');

    await page.getByRole('button', { name: '第 1 题，已作答' }).click();
    await page.getByRole('radio', { name: 'A. 需求曲线向左移动' }).check();
    await page.getByRole('button', { name: '第 6 题，已作答' }).click();
    await page.getByRole('checkbox', { name: 'C. 主动负债' }).uncheck();
    await expect.poll(() => banner.textContent()).toContain('2 条待上传');
    expect(machine.host.core.status()).toMatchObject({ connected: false, pending: 2 });
    expect(serverAnswers().get('J-001')?.value).toBe('B');

    link.heal();
    await banner.waitFor({ state: 'detached' });
    await until('the backlog to drain', synced);
    expect(serverAnswers().get('J-001')?.value).toBe('A');
    expect(serverAnswers().get('J-006')?.value).toEqual(['A']);
    const seqs = site.storedChanges(TICKET).map((c) => c.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it('shows the proctor’s notices over the exam, even one sent while offline, until acknowledged', async () => {
    const acks = () =>
      site.server.ctx.db.prepare('SELECT count(*) FROM notice_acks WHERE ticket_no = ?').pluck().get(TICKET);
    await site.proctorCall('notice:send', {
      sittingId: JUNIOR_SITTING,
      ticketNo: TICKET,
      text: '请调整坐姿',
    });
    const dialog = page.getByRole('alertdialog', { name: '监考老师通知' });
    await dialog.waitFor();
    expect(await dialog.getByTestId('proctor-notice').textContent()).toBe('请调整坐姿');
    await page.keyboard.press('Escape');
    expect(await dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: '知道了' }).press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await until('the acknowledgement to reach the server', () => acks() === 1);

    link.sever();
    await page.getByTestId('offline-banner').waitFor();
    await site.proctorCall('notice:send', { sittingId: JUNIOR_SITTING, text: '全场：还有 30 分钟可交卷' });
    expect(await dialog.count()).toBe(0);
    link.heal();
    await dialog.waitFor();
    expect(await dialog.getByTestId('proctor-notice').textContent()).toBe('全场：还有 30 分钟可交卷');
    await dialog.getByRole('button', { name: '知道了' }).click();
    await until('the second acknowledgement', () => acks() === 2);
    expect(await page.locator('[data-current-screen="exam"]').count()).toBe(1);
  });

  it('fits the English toolbar and legend on their rows at 1024×768', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    const toolbar = page.getByRole('toolbar', { name: 'Tools' });
    const go = toolbar.getByRole('button', { name: 'Go', exact: true });
    await go.waitFor();
    // The jump box sits on the row of the first tool, not wrapped below it.
    const [first, last] = await Promise.all([
      toolbar.getByRole('button').first().boundingBox(),
      go.boundingBox(),
    ]);
    expect(Math.abs(last!.y - first!.y)).toBeLessThan(2);
    // Each legend entry is one line: "Unanswered" does not wrap under its swatch.
    const legend = await page.locator('.legend li').all();
    const heights = await Promise.all(legend.map(async (li) => Math.round((await li.boundingBox())!.height)));
    expect(new Set(heights).size).toBe(1);
    await expectAccessible('exam screen in English');
    await page.getByRole('button', { name: '中文' }).click();
  });

  it('refuses hand-in before the earliest time with the reason shown, then hands in', async () => {
    const handIn = page.getByRole('button', { name: '交卷', exact: true });
    expect(await handIn.isDisabled()).toBe(true);
    expect(await page.getByTestId('handin-why').textContent()).toBe('开考后可交卷时间：09:45 起');
    // The button is only a hint: the server refuses an early hand-in itself.
    const early = (await page.evaluate("window.candidate.invoke('handIn', [])")) as {
      ok: boolean;
      value?: { ok: boolean; error?: { code: string } };
    };
    expect(early).toMatchObject({ ok: true, value: { ok: false, error: { code: 'TOO_EARLY' } } });

    site.clock.advance(75 * MIN);
    await expect.poll(() => handIn.isEnabled()).toBe(true);
    await handIn.click();
    const dialog = page.getByRole('dialog', { name: '确认交卷' });
    expect(await dialog.getByTestId('handin-unanswered').textContent()).toBe('4');
    expect(await dialog.getByTestId('handin-flagged').textContent()).toBe('4');
    await expectAccessible('hand-in dialog');

    // The network drops with the dialog open: the hand-in fails and says why, in words.
    link.sever();
    await page.getByTestId('offline-banner').waitFor();
    await dialog.getByRole('button', { name: '确认交卷' }).click();
    await page.locator('[data-screen="end"]').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('交卷未成功');
    expect(await page.getByTestId('handin-failure-reason').textContent()).toBe(
      '网络连接已断开，试卷暂时无法提交，恢复连接后可重新交卷。',
    );
    expect(await page.getByTestId('handin-failure-code').textContent()).toBe('供监考老师参考：OFFLINE');
    await expectAccessible('end screen, hand-in failed');
    link.heal();
    await page.getByTestId('offline-banner').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: '重新交卷' }).click();
    await page.getByRole('heading', { name: '交卷成功' }).waitFor();
    await expectAccessible('end screen, handed in');
    const row = site.server.ctx.db
      .prepare('SELECT handed_in_at FROM candidate_sittings WHERE ticket_no = ? AND sitting_id = ?')
      .get(TICKET, JUNIOR_SITTING) as { handed_in_at: number };
    expect(row.handed_in_at).toBe(site.juniorStart + 75 * MIN);
  });
});
