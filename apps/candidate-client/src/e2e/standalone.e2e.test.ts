import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { displayFingerprint } from '@exam/protocol';
import { openStandaloneAnswerFile } from '@exam/standalone';
import { testPki } from '@exam/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { a11yViolations, describeViolations } from './support/a11y.js';
import { candidatePage, launchChromium } from './support/browser.js';
import { builtRenderer } from './support/renderer.js';
import {
  type StandaloneTestMachine,
  startStandaloneTestMachine,
  TEST_ID_NUMBER,
  type WrittenPackage,
  writeTestPackage,
  wrongCodeFor,
} from './support/standalone.js';

/**
 * Standalone mode (issue 17) in real Chromium: the real renderer and host on a machine with
 * no site server to reach. The proctor imports the package with its code, the candidate logs
 * in, answers, and hands in; the answer file is on disk and the site's key opens it.
 */
let browser: Browser;
let machine: StandaloneTestMachine;
let page: Page;
let dir: string;
let pkg: WrittenPackage;

async function expectAccessible(screen: string): Promise<void> {
  const violations = await a11yViolations(page);
  expect(violations, `${screen}:\n${describeViolations(violations)}`).toEqual([]);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'candidate-standalone-e2e-'));
  const [rendererDir, startedBrowser] = await Promise.all([builtRenderer(), launchChromium()]);
  browser = startedBrowser;
  machine = await startStandaloneTestMachine({ rendererDir, dir });
  pkg = writeTestPackage(machine.world, join(dir, 'usb'), { changes: 3, earliestHandInRemainingMs: null });
  page = await candidatePage(browser);
});

afterAll(async () => {
  await browser?.close();
  await machine?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('standalone exam in Chromium, with no network', () => {
  it('takes the proctor through the package and the code, refusing a wrong code', async () => {
    await page.goto(machine.web.url);
    // No site server: the machine waits to connect, and 单机考试 is offered there.
    await page.locator('[data-screen="connecting"]').waitFor();
    await page.getByTestId('standalone-entry').click();
    const fingerprint = page.getByTestId('standalone-fingerprint');
    await fingerprint.waitFor();
    expect(await fingerprint.textContent()).toContain(displayFingerprint(machine.world.machineFingerprint));
    await expectAccessible('standalone, proctor step');
    await page.getByRole('button', { name: '我是监考员，继续' }).click();

    await page.getByLabel('单机考试包的完整路径').fill(join(dir, 'usb', 'nothing-here.exampkg'));
    await page.getByRole('button', { name: '读取考试包' }).click();
    await expect.poll(() => page.getByTestId('standalone-error').textContent()).toContain('无法读取');
    await page.getByLabel('单机考试包的完整路径').fill(pkg.path);
    await page.getByRole('button', { name: '读取考试包' }).click();
    const header = page.getByTestId('standalone-header');
    await header.waitFor();
    for (const text of ['张三', pkg.content.candidate.ticketNo, pkg.content.sittingId])
      expect(await header.textContent()).toContain(text);
    await expectAccessible('standalone, package read');
    await page.getByRole('button', { name: '下一步：输入授权码' }).click();

    await page.getByRole('textbox', { name: '授权码' }).fill(wrongCodeFor(pkg.code));
    await page.getByRole('button', { name: '开始单机考试' }).click();
    await expect.poll(() => page.getByTestId('standalone-error').textContent()).toContain('还可尝试 4 次');
    await expectAccessible('standalone, wrong code');
    await page.getByRole('textbox', { name: '授权码' }).fill(pkg.code);
    await page.getByRole('button', { name: '开始单机考试' }).click();
    await page.locator('[data-screen="login"]').waitFor();
    expect(await page.getByTestId('standalone-bar').textContent()).toContain('张三');
  });

  it('logs the candidate in with ticket and ID number and answers from where the server left off', async () => {
    await page.getByLabel('准考证号').fill(pkg.content.candidate.ticketNo);
    await page.getByLabel('身份证号').fill('110101199001011234');
    await page.getByRole('button', { name: '登录' }).click();
    await expect
      .poll(() => page.getByRole('alert').filter({ hasText: '身份证号与准考证号不符' }).count())
      .toBe(1);
    await page.getByLabel('身份证号').fill(TEST_ID_NUMBER);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('[data-screen="confirm"]').waitFor();
    await page.getByRole('button', { name: '确认登录' }).click();
    await page.getByLabel('我已阅读并遵守以上规定').check();
    await page.getByRole('button', { name: '开始答题' }).click();
    await page.locator('[data-screen="exam"]').waitFor();
    await expect
      .poll(async () => (await page.getByTestId('remaining').textContent()) ?? '')
      .toMatch(/^(1:00:00|0:59:5\d)$/);
    // The package's answer to the first item is restored; the candidate changes it.
    expect(await page.getByRole('radio', { name: 'A. 选项A' }).isChecked()).toBe(true);
    await page.getByRole('radio', { name: 'B. 选项B' }).check();
    await expect.poll(() => machine.host.getAnswers().find((a) => a.itemId === 'J-001')?.value).toBe('B');
    await expectAccessible('standalone, exam screen');
  });

  it('writes an answer file on the proctor’s demand, behind a confirmation', async () => {
    await page.getByTestId('standalone-write').click();
    await page.getByRole('button', { name: '写出', exact: true }).click();
    const written = page.getByRole('alertdialog');
    await written.waitFor();
    expect(await written.textContent()).toContain('请举手示意监考员');
    expect(await written.textContent()).toContain(join(dir, 'usb'));
    await expectAccessible('standalone, answer file written');
    await page.getByRole('button', { name: '知道了' }).click();
  });

  it('hands in, and the end screen says where the answer file is; the site opens it', async () => {
    await page.getByRole('button', { name: '交卷', exact: true }).click();
    await page.getByRole('button', { name: '确认交卷' }).click();
    await page.locator('[data-screen="end"]').waitFor();
    const note = page.getByTestId('answer-file');
    await note.waitFor();
    expect(await note.textContent()).toContain('请举手示意监考员');
    const paths = await page.getByTestId('answer-file-path').allTextContents();
    expect(paths).toHaveLength(2);
    await expectAccessible('standalone, end screen');
    const usbFile = paths.find((p) => p.startsWith(join(dir, 'usb')))!;
    const { content } = openStandaloneAnswerFile(readFileSync(usbFile), {
      recipient: { certPem: testPki().site.certPem, privateKeyPem: testPki().site.privateKeyPem },
      expectedMachinePublicKey: machine.world.machine.publicKey,
    });
    expect(content).toMatchObject({ fileSeq: 2, handIn: { auto: false } });
    expect(content.changes.map((c) => [c.seq, c.itemId, c.value])).toEqual([
      [pkg.content.highestSeq + 1, 'J-001', 'B'],
    ]);
  });
});
