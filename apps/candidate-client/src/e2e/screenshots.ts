import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { idNumberFor, ticketFor } from '@exam/centre';
import { parseCommand } from '@exam/cli';
import { JUNIOR_SITTING, NetworkLink, SENIOR_SITTING, startCandidateSite } from '@exam/testkit';
import type { Page } from 'playwright-core';
import { candidatePage, launchChromium } from './support/browser.js';
import { startTestMachine } from './support/machine.js';
import { builtRenderer } from './support/renderer.js';
import {
  startStandaloneTestMachine,
  TEST_ID_NUMBER,
  writeTestPackage,
  wrongCodeFor,
} from './support/standalone.js';

/**
 * Screenshots of every candidate screen at 1024×768, taken from the real renderer, host
 * and site server (web mode). `pnpm candidate:screenshots` writes them to
 * docs/screenshots/candidate/.
 */
parseCommand({
  name: 'candidate:screenshots',
  usage: 'candidate:screenshots   (writes docs/screenshots/candidate/)',
});
const MIN = 60_000;
const OUT = resolve(fileURLToPath(new URL('../../../../docs/screenshots/candidate/', import.meta.url)));
mkdirSync(OUT, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'candidate-shots-'));
const shot = async (page: Page, name: string) => {
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(OUT, `${name}.png`) });
  process.stdout.write(`  ${name}.png\n`);
};

const [rendererDir, site, browser] = await Promise.all([
  builtRenderer(),
  startCandidateSite(),
  launchChromium(),
]);
const link = await NetworkLink.create(site.url);
try {
  // Junior candidate, seat 1, behind a link that starts cut: the connecting screen first.
  link.sever();
  const junior = await startTestMachine({ site, rendererDir, dir, seatNo: 1, serverUrl: link.url });
  const page = await candidatePage(browser);
  await page.goto(junior.web.url);
  await page.locator('[data-screen="connecting"]').waitFor();
  await shot(page, '01-connecting');
  link.heal();
  await page.locator('[data-screen="login"]').waitFor();
  await page.getByLabel('准考证号').fill(ticketFor(1, 1));
  await page.getByLabel('身份证号').fill(idNumberFor(1));
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('alert').filter({ hasText: '尚未开放' }).waitFor();
  await shot(page, '02-login-not-open');
  await site.proctorCall('login:open', { sittingId: JUNIOR_SITTING });
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('[data-screen="confirm"]').waitFor();
  await shot(page, '03-confirm');
  await page.getByRole('button', { name: '确认登录' }).click();
  site.clock.advance(12 * MIN + 25_000);
  await page.getByLabel('我已阅读并遵守以上规定').check();
  await shot(page, '04-notice-countdown');
  site.clock.set(site.juniorStart);
  await site.proctorCall('sitting:start', { sittingId: JUNIOR_SITTING });
  await page.getByRole('button', { name: '开始答题' }).click();
  await page.locator('[data-screen="exam"]').waitFor();
  site.clock.advance(23 * MIN + 12_000);
  await page.getByRole('radio', { name: 'B. 需求曲线向右移动' }).check();
  await page.getByRole('button', { name: '下一题' }).click();
  await page.getByRole('checkbox', { name: 'A. 累进所得税' }).check();
  await page.getByRole('checkbox', { name: 'B. 失业救济金' }).check();
  await page.getByRole('button', { name: '⚑ 标记' }).click();
  await shot(page, '05-exam-multiple-flagged');
  await page.getByRole('button', { name: '下一题' }).click();
  await page.getByRole('radio', { name: '正确' }).check();
  await page.getByLabel('跳转到题号').fill('5');
  await page.getByRole('button', { name: '跳转', exact: true }).click();
  // Highlight a phrase of the case text, as a candidate marks what matters.
  await page.evaluate(`(() => {
    const el = document.querySelector('[data-hl-key^="case:"]');
    const text = el.textContent; const at = text.indexOf('资本净额 96 亿元');
    const node = el.firstChild.firstChild; const r = document.createRange();
    r.setStart(node, at); r.setEnd(node, at + '资本净额 96 亿元，风险加权资产 800 亿元'.length);
    getSelection().removeAllRanges(); getSelection().addRange(r);
  })()`);
  await page.getByRole('button', { name: '高亮选中文字' }).click();
  await page.getByRole('button', { name: '计算器' }).click();
  await page.keyboard.type('96/800');
  await page.keyboard.press('Enter');
  await shot(page, '06-exam-case-split-calculator');
  await page.getByRole('button', { name: '关闭计算器' }).click();
  await page.getByRole('radio', { name: 'C. 12%' }).check();
  link.sever();
  await page.getByTestId('offline-banner').waitFor();
  await page.getByRole('button', { name: '第 6 题，未作答' }).click();
  await page.getByRole('checkbox', { name: 'A. 负债业务' }).check();
  await shot(page, '07-exam-offline');
  link.heal();
  await page.getByTestId('offline-banner').waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'English' }).click();
  await shot(page, '08-exam-english');
  await page.getByRole('button', { name: '中文' }).click();
  await site.proctorCall('notice:send', {
    sittingId: JUNIOR_SITTING,
    text: '请各位考生注意：考试机出现异常请举手示意，不要自行重启。',
  });
  const notice = page.getByRole('alertdialog', { name: '监考老师通知' });
  await notice.waitFor();
  await shot(page, '08b-proctor-notice');
  await notice.getByRole('button', { name: '知道了' }).click();
  await notice.waitFor({ state: 'detached' });
  site.clock.set(site.juniorStart + 76 * MIN);
  await page.getByRole('button', { name: '交卷', exact: true }).click();
  await page.getByRole('dialog').waitFor();
  await shot(page, '09-hand-in-confirm');
  // A hand-in that cannot reach the server: the candidate is told to call the proctor.
  link.sever();
  await page.getByTestId('offline-banner').waitFor();
  await page.getByRole('dialog').getByRole('button', { name: '确认交卷' }).click();
  await page.locator('[data-screen="end"]').waitFor();
  await shot(page, '10-end-failure-call-proctor');
  link.heal();
  await page.getByTestId('offline-banner').waitFor({ state: 'detached' });
  await page.getByRole('button', { name: '重新交卷' }).click();
  await page.getByRole('heading', { name: '交卷成功' }).waitFor();
  await shot(page, '11-end-success');
  // 完成: the machine between two sittings, ready for the next candidate's login.
  await page.getByRole('button', { name: '完成' }).click();
  await page.locator('[data-screen="login"]').waitFor();
  await shot(page, '15-between-sittings');

  // Senior candidate, seat 4: typing test, written answers, the reminder.
  site.clock.set(site.seniorStart - 20 * MIN);
  await site.proctorCall('login:open', { sittingId: SENIOR_SITTING });
  const senior = await startTestMachine({ site, rendererDir, dir, seatNo: 4 });
  const p2 = await candidatePage(browser);
  await p2.goto(senior.web.url);
  await p2.getByLabel('准考证号').fill(ticketFor(1, 4));
  await p2.getByLabel('身份证号').fill(idNumberFor(4));
  await p2.getByRole('button', { name: '登录' }).click();
  await p2.getByRole('button', { name: '确认登录' }).click();
  await p2.getByLabel('在此输入测试文字').fill('经济专业技术资格考试实行全国统一大纲');
  await shot(p2, '12-typing-test');
  await p2.getByRole('button', { name: '测试完成' }).click();
  await p2.getByLabel('我已阅读并遵守以上规定').check();
  site.clock.set(site.seniorStart);
  await site.proctorCall('sitting:start', { sittingId: SENIOR_SITTING });
  await p2.getByRole('button', { name: '开始答题' }).click();
  await p2
    .getByLabel('第 1 题作答区')
    .fill(
      '甲公司采用的是多元化成长战略中的相关多元化，实施途径为并购（外部成长）。通过并购智能家居企业，甲公司可以快速获得技术、渠道和品牌，进入新市场。',
    );
  await p2.getByRole('button', { name: '字号增大' }).click();
  const endsAt = senior.host.core.sitting()!.endsAt!;
  site.clock.set(endsAt - 10 * MIN);
  await p2.getByRole('alertdialog').waitFor();
  await shot(p2, '13-senior-text-reminder');
  await p2.getByRole('button', { name: '知道了' }).click();
  await shot(p2, '14-senior-text-answer');
  // The proctor resets the candidate onto a spare: this machine locks.
  await site.proctorCall('candidate:reset', {
    sittingId: SENIOR_SITTING,
    ticketNo: ticketFor(1, 4),
    reason: '考试机键盘失灵',
  });
  await p2.locator('[data-screen="locked"]').waitFor();
  await shot(p2, '16-released-locked');
  await senior.stop();
  await junior.stop();

  // Standalone exam (issue 17) on a machine with no network: import, code, answer file.
  const lone = await startStandaloneTestMachine({ rendererDir, dir: join(dir, 'standalone') });
  const usb = join(dir, 'standalone', 'usb');
  const pkg = writeTestPackage(lone.world, usb, { changes: 3, earliestHandInRemainingMs: null });
  const p3 = await candidatePage(browser);
  await p3.goto(lone.web.url);
  await p3.locator('[data-screen="connecting"]').waitFor();
  await p3.getByTestId('standalone-entry').click();
  await p3.getByTestId('standalone-fingerprint').waitFor();
  await shot(p3, '17-standalone-proctor-step');
  await p3.getByRole('button', { name: '我是监考员，继续' }).click();
  await p3.getByLabel('单机考试包的完整路径').fill(pkg.path);
  await p3.getByRole('button', { name: '读取考试包' }).click();
  await p3.getByTestId('standalone-header').waitFor();
  await shot(p3, '18-standalone-import-package');
  await p3.getByRole('button', { name: '下一步：输入授权码' }).click();
  await p3.getByRole('textbox', { name: '授权码' }).fill(wrongCodeFor(pkg.code));
  await p3.getByRole('button', { name: '开始单机考试' }).click();
  await p3.getByTestId('standalone-error').filter({ hasText: '还可尝试' }).waitFor();
  await shot(p3, '19-standalone-code-wrong');
  await p3.getByRole('textbox', { name: '授权码' }).fill(pkg.code);
  await p3.getByRole('button', { name: '开始单机考试' }).click();
  await p3.locator('[data-screen="login"]').waitFor();
  await p3.getByLabel('准考证号').fill(pkg.content.candidate.ticketNo);
  await p3.getByLabel('身份证号').fill(TEST_ID_NUMBER);
  await p3.getByRole('button', { name: '登录' }).click();
  await p3.getByRole('button', { name: '确认登录' }).click();
  await p3.getByLabel('我已阅读并遵守以上规定').check();
  await p3.getByRole('button', { name: '开始答题' }).click();
  await p3.getByRole('radio', { name: 'B. 选项B' }).check();
  await shot(p3, '20-standalone-exam');
  await p3.getByTestId('standalone-write').click();
  await p3.getByRole('dialog').waitFor();
  await shot(p3, '21-standalone-write-confirm');
  await p3.getByRole('button', { name: '写出', exact: true }).click();
  await p3.getByRole('alertdialog').waitFor();
  await shot(p3, '22-standalone-answer-file-written');
  await p3.getByRole('button', { name: '知道了' }).click();
  await p3.getByRole('button', { name: '交卷', exact: true }).click();
  await p3.getByRole('button', { name: '确认交卷' }).click();
  await p3.getByTestId('answer-file').waitFor();
  await shot(p3, '23-standalone-end-answer-file');
  await lone.stop();
} finally {
  await browser.close();
  await link.close();
  await site.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`screenshots in ${OUT}\n`);
