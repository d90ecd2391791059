import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CandidateCore, createCandidateCore, loadOrCreateMachineKey } from '@exam/candidate-client/core';
import { a11yViolations, describeViolations } from '@exam/candidate-client/testing';
import { idNumberFor, ticketFor } from '@exam/centre';
import {
  type ConsoleUnderTest,
  launchBrowser,
  openConsole,
  type TestBrowser,
  waitFor,
} from '@exam/proctor-console/testing';
import { eventually } from '@exam/proctor-console/testing/eventually';
import { preApproveMachine, startTestSite, type TestSite } from '@exam/testkit';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * An overbooked site (annex 4, issue 19) run from two rooms' consoles in real Chromium, with
 * real candidate clients (their cores, journals on disk), against one real site server.
 * Room 1 has five candidates and two approved machines: two arrivals get a random seat at
 * entry, the third finds the room full and is transferred out, room 2's console takes them in
 * (refused first while it has no machine for them) and they log in there. A fourth is
 * transferred out and never taken in: room 1 resolves it from its end checklist. Both rooms
 * end, and room 1's part of the transfer report is checked with pdftotext.
 * The tests share the site and run in order.
 */
const MIN = 60_000;
const SITTING = 'S-J-ECON';
const PER_ROOM = 5;
const ticket = (room: number, k: number) => ticketFor(room, k);
const idNumber = (room: number, k: number) => idNumberFor((room - 1) * PER_ROOM + k);
const tail = (room: number, k: number) => ticket(room, k).slice(-3);

let site: TestSite;
let browser: TestBrowser;
let r1: ConsoleUnderTest;
let r2: ConsoleUnderTest;
let dir: string;
const cores: CandidateCore[] = [];
/** The candidates who sat down in room 1, by the seat they were given at entry. */
const seated = new Map<number, CandidateCore>();
let movedCore: CandidateCore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'transfers-system-'));
  [site, browser] = await Promise.all([
    startTestSite({ rooms: 2, perRoom: PER_ROOM, roomSeats: [4, 4], overbooked: true, items: 3 }),
    launchBrowser({ width: 1280, height: 800 }),
  ]);
  [r1, r2] = await Promise.all([openConsole(site, 'R1', browser), openConsole(site, 'R2', browser)]);
  await Promise.all([r1.page.getByTestId('phase').waitFor(), r2.page.getByTestId('phase').waitFor()]);
});

afterAll(async () => {
  for (const c of cores) c.close();
  await r1?.close();
  await r2?.close();
  await browser?.close();
  await site?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A test machine approved for its seat at the machine check, the day before (issue 16). */
async function machine(roomId: string, seatNo: number): Promise<CandidateCore> {
  const name = `${roomId}-${seatNo}`;
  const machineKeyPath = join(dir, `${name}.key.pem`);
  loadOrCreateMachineKey(machineKeyPath);
  await preApproveMachine(site, { privateKey: readFileSync(machineKeyPath, 'utf8'), roomId, seatNo });
  const core = createCandidateCore({
    serverUrl: site.url,
    trust: site.trust,
    journalPath: join(dir, `${name}.db`),
    roomId,
    seatNo,
    machineKeyPath,
    clientVersion: '0.1.0',
    monotonicNow: () => site.clock.now(),
    ackTimeoutMs: 2_000,
    backoff: { minMs: 20, baseMs: 50, maxMs: 200 },
  });
  cores.push(core);
  await waitFor(`${name} connected`, () => core.status().connected);
  return core;
}

async function clock(offsetMs: number) {
  site.clock.set(site.juniorStart + offsetMs);
  await Promise.all([r1.host.resync(), r2.host.resync()]);
}

async function dialog(page: Page, testId: string): Promise<Locator> {
  const d = page.getByTestId(testId);
  await d.waitFor();
  return d;
}

/** WCAG 2 A/AA (colour contrast included) as axe-core measures the screen shown now. */
async function expectAccessible(screen: string, on: Page): Promise<void> {
  const violations = await a11yViolations(on);
  expect(violations, `${screen}:\n${describeViolations(violations)}`).toEqual([]);
}

/** The entry dialog's drawn seat, once shown. */
async function drawnSeat(d: Locator): Promise<number> {
  await d.getByTestId('entry-seat').waitFor();
  return Number(await d.getByTestId('entry-seat').textContent());
}

describe('an overbooked site run from two consoles', () => {
  it('shows the arriving candidates without a seat, and opens login in both rooms', async () => {
    await eventually(() => r1.page.getByTestId(`tile-${tail(1, 1)}`).textContent()).toContain('---');
    await r1.page.getByTestId('open-login').click();
    await r2.page.getByTestId('open-login').click();
    for (const c of [r1, r2])
      await eventually(() => c.page.getByTestId('phase').textContent()).toBe('已开放登录');
    await machine('R1', 1).then((m) => seated.set(1, m));
    await machine('R1', 2).then((m) => seated.set(2, m));
  });

  it('draws a random seat for an arrival by the ticket tail, draws again, and the candidate logs in there', async () => {
    const page = r1.page;
    await page.getByTestId('entry').click();
    const d = await dialog(page, 'entry-dialog');
    await d.getByTestId('entry-ticket').fill(tail(1, 1));
    await d.getByTestId('entry-ticket').press('Enter');
    const first = await drawnSeat(d);
    expect([1, 2]).toContain(first);
    await expectAccessible('entry dialog, seat drawn', page);
    // 重新抽取: the declined seat is not offered again while another is free.
    await d.getByTestId('entry-redraw').click();
    await eventually(async () => Number(await d.getByTestId('entry-seat').textContent())).toBe(3 - first);
    await d.getByTestId('dialog-submit').click();
    await eventually(() => d.getByTestId('entry-done').textContent()).toContain(`${3 - first} 号座位`);
    const core = seated.get(3 - first)!;
    await core.login(ticket(1, 1), idNumber(1, 1));
    await eventually(() => page.getByTestId(`tile-${tail(1, 1)}`).getAttribute('data-state')).toBe(
      'logged-in',
    );
  });

  it('seats the next arrival from a scanned ticket (the whole number and Enter)', async () => {
    const d = r1.page.getByTestId('entry-dialog');
    await d.getByTestId('entry-ticket').fill(ticket(1, 2));
    await d.getByTestId('entry-ticket').press('Enter');
    const seat = await drawnSeat(d);
    await d.getByTestId('dialog-submit').click();
    await eventually(() => d.getByTestId('entry-done').textContent()).toContain(`${seat} 号座位`);
    await seated.get(seat)!.login(ticket(1, 2), idNumber(1, 2));
    await eventually(() => r1.page.getByTestId(`tile-${tail(1, 2)}`).getAttribute('data-state')).toBe(
      'logged-in',
    );
  });

  it('finds the room full for the third arrival, says so in words, and transfers them out', async () => {
    const page = r1.page;
    const d = page.getByTestId('entry-dialog');
    await d.getByTestId('entry-ticket').fill(tail(1, 3));
    await d.getByTestId('entry-ticket').press('Enter');
    await eventually(() => d.getByTestId('dialog-error').textContent()).toBe(
      '本考场已没有空闲的考试机（已批准 2 台）：请将该考生调出。',
    );
    await d.getByTestId('entry-transfer-out').click();
    const out = await dialog(page, 'transfer-out-dialog');
    // A reason is required.
    expect(await out.getByTestId('dialog-submit').isDisabled()).toBe(true);
    await out.getByTestId('reason').fill('考场已满');
    await expectAccessible('transfer-out dialog', page);
    await out.getByTestId('dialog-submit').click();
    await eventually(() => page.getByTestId('flash').textContent()).toContain('已调出，等待其他考场调入');
  });

  it('lists the open transfer at the other room, refuses the take-in while it has no machine, then takes it in', async () => {
    const page = r2.page;
    await eventually(() => page.getByTestId('transfers-count').textContent()).toBe(' 1');
    await page.getByTestId('transfers').click();
    const d = await dialog(page, 'transfers-dialog');
    const row = d.locator(`[data-testid="take-in-row"][data-ticket="${ticket(1, 3)}"]`);
    await eventually(() => row.textContent()).toContain('第1考场');
    expect(await row.textContent()).toContain('考场已满');
    await expectAccessible('transfers dialog, one to take in', page);
    await d.getByTestId(`take-in-${tail(1, 3)}`).click();
    await eventually(() => d.getByTestId('dialog-error').textContent()).toBe(
      '本考场已满，不能调入：已登录 0 人，已调入待登录 0 人，已批准考试机 0 台。',
    );
    movedCore = await machine('R2', 1);
    await d.getByTestId(`take-in-${tail(1, 3)}`).click();
    await eventually(() => row.count()).toBe(0);
    await eventually(() => page.getByTestId('flash').textContent()).toContain('已调入本考场');
    await d.getByTestId('dialog-cancel').click();
  });

  it('lets the candidate log in at the receiving room, and the sending room sees where they went', async () => {
    await movedCore.login(ticket(1, 3), idNumber(1, 3));
    // Room 2 lists its own candidate 003 too (tails repeat across rooms): the one logged in is ours.
    await eventually(() =>
      r2.page.locator(`[data-testid="tile-${tail(1, 3)}"][data-state="logged-in"]`).count(),
    ).toBe(1);
    await eventually(() => r1.page.getByTestId(`tile-${tail(1, 3)}`).count()).toBe(0);
    await r1.page.getByTestId('transfers').click();
    const d = await dialog(r1.page, 'transfers-dialog');
    await eventually(() =>
      d.locator(`[data-testid="own-row"][data-ticket="${ticket(1, 3)}"]`).textContent(),
    ).toContain('已调入 第2考场');
    await d.getByTestId('dialog-cancel').click();
  });

  it('transfers out a late arrival from the candidate’s detail, whom no room takes in', async () => {
    const page = r1.page;
    await page.getByTestId(`tile-${tail(1, 4)}`).click();
    await page.getByTestId('detail').getByTestId('act-transfer-out').click();
    const d = await dialog(page, 'transfer-out-dialog');
    await d.getByTestId('reason').fill('迟到，考场已满');
    await d.getByTestId('dialog-submit').click();
    await eventually(() => page.getByTestId('detail').getByTestId('transferred-out').count()).toBe(1);
    await eventually(() => r2.page.getByTestId('transfers-count').textContent()).toBe(' 1');
  });

  it('blocks room 1’s end until that transfer is resolved from the checklist, then ends both rooms', async () => {
    await clock(0);
    for (const c of [r1, r2]) expect((await c.host.invoke('start', { sittingId: SITTING })).ok).toBe(true);
    await clock(80 * MIN);
    for (const c of [...seated.values(), movedCore]) await c.handIn();
    const page = r1.page;
    await page.getByTestId('end').click();
    let d = await dialog(page, 'end-dialog');
    await eventually(() => d.getByTestId('checklist-verdict').textContent()).toBe(
      '检查未通过，暂不能结束考试。',
    );
    const item = d.locator('[data-key="transfers-resolved"]');
    expect(await item.getAttribute('data-ok')).toBe('false');
    expect(await item.textContent()).toContain('还有 1 名调出的考生未调入或处理。');
    expect(await d.getByTestId('dialog-submit').isDisabled()).toBe(true);
    await expectAccessible('end dialog, a transfer to resolve', page);
    await d.getByTestId(`end-resolve-${tail(1, 4)}`).click();
    const resolve = await dialog(page, 'resolve-transfer-dialog');
    await resolve.getByTestId('outcome-absent').check();
    await resolve.getByTestId('note').fill('未到接收考场');
    await expectAccessible('resolve dialog', page);
    await resolve.getByTestId('dialog-submit').click();
    // Back at the end checklist, which now passes.
    d = await dialog(page, 'end-dialog');
    await eventually(() => d.getByTestId('checklist-verdict').textContent()).toBe('检查通过，可以结束考试。');
    await d.getByTestId('dialog-submit').click();
    await eventually(() => page.getByTestId('phase').textContent()).toBe('已结束');

    await r2.page.getByTestId('end').click();
    const d2 = await dialog(r2.page, 'end-dialog');
    await eventually(() => d2.getByTestId('checklist-verdict').textContent()).toBe(
      '检查通过，可以结束考试。',
    );
    await d2.getByTestId('dialog-submit').click();
    await eventually(() => r2.page.getByTestId('phase').textContent()).toBe('已结束');
  });

  it('prints room 1’s part of the transfer report, downloaded and kept in the console’s folder', async () => {
    const page = r1.page;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('transfer-report').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    await eventually(() => page.getByTestId('flash').textContent()).toContain('应试人员跨考场调动单已生成');
    expect(readdirSync(join(r1.dataDir, 'reports'))).toEqual([download.suggestedFilename()]);
    const text = execFileSync('pdftotext', ['-layout', await download.path(), '-'], { encoding: 'utf8' });
    expect(text).toContain('应试人员跨考场调动单');
    expect(text).toContain('考场 第1考场');
    expect(text).toContain(ticket(1, 3));
    expect(text).toContain('第2考场');
    expect(text).toContain(ticket(1, 4));
    expect(text).toContain('考场已满');
    expect(text).toContain('缺考');
    expect(text).toContain('监考R1');
    expect(text).toContain('签字');
    // Only this room's transfers: none of room 2's candidates.
    expect(text).not.toContain(ticket(2, 1));
  });
});
