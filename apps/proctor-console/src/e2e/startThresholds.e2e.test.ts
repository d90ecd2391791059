import { startTestSite, type TestSite } from '@exam/testkit';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../testing/browser.js';
import { approvalCode, type ConsoleUnderTest, openConsole } from '../testing/consoleHarness.js';
import { eventually } from '../testing/eventually.js';

/**
 * Start on time and late, through the console's screens against a real site server: each
 * room of one site starts at a different delay, so every threshold is met once.
 */
const MIN = 60_000;
const SITTING = 'S-J-ECON';
let site: TestSite;
let browser: TestBrowser;
const consoles: ConsoleUnderTest[] = [];

beforeAll(async () => {
  [site, browser] = await Promise.all([startTestSite({ rooms: 4, perRoom: 2 }), launchBrowser()]);
});

afterAll(async () => {
  for (const c of consoles) await c.close();
  await browser?.close();
  await site?.stop();
});

async function room(roomId: string): Promise<ConsoleUnderTest> {
  const c = await openConsole(site, roomId, browser);
  consoles.push(c);
  await c.page.getByTestId('phase').waitFor();
  return c;
}

async function openLogin(page: Page) {
  await page.getByTestId('open-login').click();
  await eventually(() => page.getByTestId('phase').textContent()).toBe('已开放登录');
}

/** Moves the site's clock and lets the console see the new server time. */
async function clockAt(c: ConsoleUnderTest, offsetMs: number) {
  site.clock.set(site.juniorStart + offsetMs);
  await c.host.resync();
}

async function startDialog(page: Page) {
  await page.getByTestId('start').click();
  const dialog = page.getByTestId('start-dialog');
  await dialog.waitFor();
  return dialog;
}

async function expectRunning(page: Page) {
  await eventually(() => page.getByTestId('phase').textContent()).toBe('考试进行中');
}

describe('starting a sitting from the console', () => {
  it('keeps the start button disabled with a countdown until the scheduled start, then starts on time with no reason asked', async () => {
    const { page, ...c } = await room('R1');
    await openLogin(page);
    await clockAt({ page, ...c }, -13 * MIN);
    expect(await page.getByTestId('start').isDisabled()).toBe(true);
    await eventually(() => page.getByTestId('start-wait').textContent()).toMatch(/^距计划开考 1[23]:\d\d$/);
    await clockAt({ page, ...c }, 0);
    await eventually(() => page.getByTestId('start').isEnabled()).toBe(true);
    expect(await page.getByTestId('start-wait').count()).toBe(0);
    const dialog = await startDialog(page);
    expect(await dialog.getByTestId('start-rule').getAttribute('data-authority')).toBe('on-time');
    expect(await dialog.getByTestId('reason').count()).toBe(0);
    await dialog.getByTestId('dialog-submit').click();
    await expectRunning(page);
  });

  it('asks for the reason when starting 20 minutes late and records it', async () => {
    const c = await room('R2');
    await openLogin(c.page);
    await clockAt(c, 20 * MIN);
    const dialog = await startDialog(c.page);
    expect(await dialog.getByTestId('start-rule').getAttribute('data-authority')).toBe('city-consent');
    expect(await dialog.getByTestId('start-late').textContent()).toContain('20');
    expect(await dialog.getByTestId('dialog-submit').isDisabled()).toBe(true);
    await dialog.getByTestId('reason').fill('停电，经市考试机构同意');
    await dialog.getByTestId('dialog-submit').click();
    await expectRunning(c.page);
    const row = site.server.ctx.db
      .prepare('SELECT start_authority, start_reason FROM room_sittings WHERE room_id = ? AND sitting_id = ?')
      .get('R2', SITTING);
    expect(row).toEqual({ start_authority: 'city-consent', start_reason: '停电，经市考试机构同意' });
  });

  it('needs the province’s code 45 minutes late, locks out after wrong codes, then accepts the right one', async () => {
    const c = await room('R3');
    await openLogin(c.page);
    await clockAt(c, 45 * MIN);
    const dialog = await startDialog(c.page);
    expect(await dialog.getByTestId('code').getAttribute('data-authority')).toBe('province');
    await dialog.getByTestId('reason').fill('网络故障');
    for (let i = 0; i < 5; i++) {
      await dialog.getByTestId('code').fill(`AAAAA-AAAA${i}`);
      await dialog.getByTestId('dialog-submit').click();
      await eventually(() => dialog.getByTestId('dialog-error').textContent()).toContain('授权码无效');
    }
    const right = approvalCode(site, {
      kind: 'delayed-start',
      authority: 'province',
      roomId: 'R3',
      sittingId: SITTING,
    });
    await dialog.getByTestId('code').fill(right);
    await dialog.getByTestId('dialog-submit').click();
    await eventually(() => dialog.getByTestId('dialog-error').textContent()).toContain('已锁定 10 分钟');
    // Ten minutes on, still under an hour late: the same code now works.
    await clockAt(c, 55 * MIN + 1);
    await dialog.getByTestId('dialog-submit').click();
    await expectRunning(c.page);
  });

  it('refuses a province code over 60 minutes late and starts with the centre’s', async () => {
    const c = await room('R4');
    await openLogin(c.page);
    await clockAt(c, 75 * MIN);
    const dialog = await startDialog(c.page);
    expect(await dialog.getByTestId('start-rule').getAttribute('data-authority')).toBe('centre');
    await dialog.getByTestId('reason').fill('长时间停电');
    const params = { kind: 'delayed-start', roomId: 'R4', sittingId: SITTING } as const;
    await dialog.getByTestId('code').fill(approvalCode(site, { ...params, authority: 'province' }));
    await dialog.getByTestId('dialog-submit').click();
    await eventually(() => dialog.getByTestId('dialog-error').textContent()).toContain('授权码无效');
    expect(await c.page.getByTestId('phase').textContent()).toBe('已开放登录');
    await dialog.getByTestId('code').fill(approvalCode(site, { ...params, authority: 'centre' }));
    await dialog.getByTestId('dialog-submit').click();
    await expectRunning(c.page);
  });
});
