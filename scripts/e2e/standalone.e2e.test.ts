import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  builtRenderer,
  candidatePage,
  launchChromium,
  type StandaloneTestMachine,
  startStandaloneTestMachine,
  startTestMachine,
  type TestMachine,
} from '@exam/candidate-client/testing';
import { idNumberFor, ticketFor, verifyAnswerPackage } from '@exam/centre';
import {
  type ConsoleUnderTest,
  launchBrowser,
  openConsole,
  TEST_PIN,
  type TestBrowser,
} from '@exam/proctor-console/testing';
import { eventually } from '@exam/proctor-console/testing/eventually';
import { chiefKeyFile } from '@exam/proctor-console/testing/standalone';
import type { Ack, AnswerValue } from '@exam/protocol';
import {
  type CandidateSite,
  preApproveMachine,
  siteFetch,
  startTestSite,
  type TestSite,
} from '@exam/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asCandidateSite, latestAnswers, storedChanges } from './standaloneSupport.js';

/**
 * Standalone mode (issue 17) across the apps: one real site server, the room's console in
 * web mode and two candidate machines in web mode, all in real Chromium. The candidate
 * answers online on machine A; A dies; the chief examiner consents at the console and the
 * package goes to a stick for machine B, which never reaches the site (its server address
 * is a closed loopback port); B imports it with the code, the candidate answers, B restarts,
 * the candidate hands in; the console collects the answer file, the room ends, and the
 * centre's verifier reads every answer back out of the sitting's package.
 * The tests share the room and run in order.
 */
const MIN = 60_000;
const SITTING = 'S-J-ECON';
const T1 = ticketFor(1, 1);
const T2 = ticketFor(1, 2);
const tail = (ticketNo: string) => ticketNo.slice(-3);
/**
 * The sitting's minute of the export: 14 minutes left, inside the junior hand-in window (the
 * last 15), so the candidate may hand in on machine B at once.
 */
const EXPORT_AT = 76 * MIN;

let site: TestSite;
let candidateSite: CandidateSite;
let consoleBrowser: TestBrowser;
let browser: Browser;
let room: ConsoleUnderTest;
let dir: string;
let stick: string;
let rendererDir: string;
let machineA: TestMachine;
let machineAStopped = false;
let machineB: StandaloneTestMachine;
let pageA: Page;
let pageB: Page;
let packagePath = '';
let code = '';
let answerFile = '';

/** Everything the candidate typed, on either machine: what the site must hold at the end. */
const typed: Record<string, AnswerValue> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'standalone-system-'));
  stick = mkdtempSync(join(tmpdir(), 'standalone-usb-'));
  [site, consoleBrowser, browser, rendererDir] = await Promise.all([
    // The sitting is today's, at its minute 76 now. Machine B checks the package's expiry
    // against its own wall clock, the only clock it has; on the exam day it agrees with the
    // site's, so the site's test clock must be today too.
    startTestSite({
      rooms: 1,
      perRoom: 2,
      juniorStart: new Date(Math.floor(Date.now() / MIN) * MIN - EXPORT_AT),
    }),
    launchBrowser(),
    launchChromium(),
    builtRenderer(),
  ]);
  candidateSite = await asCandidateSite(site);
  room = await openConsole(site, 'R1', consoleBrowser);
  await room.page.getByTestId('phase').waitFor();
  [pageA, pageB] = await Promise.all([candidatePage(browser), candidatePage(browser)]);
});

afterAll(async () => {
  await room?.close();
  await consoleBrowser?.close();
  await browser?.close();
  if (machineA && !machineAStopped) await machineA.stop();
  await machineB?.stop();
  await candidateSite?.stop();
  await site?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(stick, { recursive: true, force: true });
});

const page = () => room.page;
const tile = (ticketNo: string) => page().getByTestId(`tile-${tail(ticketNo)}`);

async function clock(offsetMs: number): Promise<void> {
  site.clock.set(site.juniorStart + offsetMs);
  await room.host.resync();
}

/** The candidate's first steps on a machine: ticket + ID number, the details, the rules. */
async function logIn(on: Page): Promise<void> {
  await on.getByLabel('准考证号').fill(T1);
  await on.getByLabel('身份证号').fill(idNumberFor(1));
  await on.getByRole('button', { name: '登录' }).click();
  await on.locator('[data-screen="confirm"]').waitFor();
  await on.getByRole('button', { name: '确认登录' }).click();
  await on.getByLabel('我已阅读并遵守以上规定').check();
}

async function jumpTo(on: Page, n: number): Promise<void> {
  await on.getByLabel('跳转到题号').fill(String(n));
  await on.getByRole('button', { name: '跳转', exact: true }).click();
}

async function importOutcome(on: Page): Promise<string> {
  if ((await on.getByTestId('standalone-header').count()) > 0) return 'read';
  const error = on.getByTestId('standalone-error');
  return (await error.count()) > 0 ? ((await error.textContent()) ?? '') : '';
}

/** Machine B's journal holds this value for the item (the journal is the answer). */
async function journalled(itemId: string, value: AnswerValue): Promise<void> {
  await expect
    .poll(() => machineB.host.getAnswers().find((a) => a.itemId === itemId)?.value, { timeout: 10_000 })
    .toEqual(value);
}

describe('a candidate finishes in standalone mode and every answer comes home', () => {
  it('answers online on machine A', async () => {
    // Seat 2's candidate does not come: the room can end once candidate 1 is accounted for.
    await tile(T2).click();
    await page().getByTestId('detail').getByTestId('act-absent').click();
    await eventually(() => tile(T2).getAttribute('data-state')).toBe('absent');
    expect((await room.host.invoke('openLogin', { sittingId: SITTING })).ok).toBe(true);

    machineA = await startTestMachine({ site: candidateSite, rendererDir, dir, seatNo: 1 });
    await pageA.goto(machineA.web.url);
    await logIn(pageA);
    await clock(0);
    expect((await room.host.invoke('start', { sittingId: SITTING })).ok).toBe(true);
    const enter = pageA.getByRole('button', { name: '开始答题' });
    await expect.poll(() => enter.isEnabled()).toBe(true);
    await enter.click();
    await pageA.locator('[data-screen="exam"]').waitFor();

    await clock(5 * MIN);
    await pageA.getByRole('radio', { name: 'A. 选项A' }).check();
    typed['J-001'] = 'A';
    await pageA.getByRole('button', { name: '下一题' }).click();
    await pageA.getByRole('checkbox', { name: 'B. 选项B' }).check();
    await pageA.getByRole('checkbox', { name: 'C. 选项C' }).check();
    typed['J-002'] = ['B', 'C'];
    await pageA.getByRole('button', { name: '下一题' }).click();
    await pageA.getByRole('radio', { name: '正确' }).check();
    typed['J-003'] = true;
    await expect
      .poll(() => {
        const s = machineA.host.core.status();
        return s.connected && s.pending === 0 ? s.ackSeq : -1;
      })
      .toBe(4);
    expect(latestAnswers(storedChanges(site, T1))).toEqual(typed);
    await eventually(() => tile(T1).getAttribute('data-state')).toBe('answering');
  });

  it('loses machine A: its client stops and the console shows it offline', async () => {
    await clock(EXPORT_AT);
    await eventually(() => tile(T1).locator('.dot').getAttribute('class')).toBe('dot on');
    await machineA.stop();
    machineAStopped = true;
    await eventually(() => tile(T1).locator('.dot').getAttribute('class')).toBe('dot off');
    expect(await tile(T1).locator('.sync').getAttribute('class')).toContain('late');
    expect(await tile(T1).getAttribute('class')).toContain('attention');
  });

  it('exports the package for machine B with the chief examiner’s consent and shows the code', async () => {
    // Machine B passed the machine check yesterday (approved for seat 2); today it has no route
    // to the site server: its client points at a closed port for the whole standalone session.
    machineB = await startStandaloneTestMachine({ rendererDir, dir: join(dir, 'b') });
    await preApproveMachine(site, {
      privateKey: machineB.world.machine.privateKeyPem,
      roomId: 'R1',
      seatNo: 2,
    });
    await pageB.goto(machineB.web.url);
    await pageB.locator('[data-screen="connecting"]').waitFor();
    // Known to the site (yesterday's check), never online today.
    await eventually(() => tile(T2).locator('.dot').getAttribute('class')).toBe('dot off');
    await pageB.getByTestId('standalone-entry').click();
    const shown = (await pageB.getByTestId('standalone-fingerprint').textContent()) ?? '';
    const fingerprint = shown.replace(/^.*：/, '').trim();
    expect(fingerprint).toMatch(/^[0-9A-F]{4}(-[0-9A-F]{4}){3}$/);

    await tile(T1).click();
    await page().getByTestId('act-standalone').click();
    const dialog = page().getByTestId('standalone-export-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('reason').fill('考试机与备用机均故障');
    await dialog.getByTestId('standalone-fingerprint').fill(fingerprint);
    await eventually(() => dialog.getByTestId('standalone-machine-chosen').textContent()).toContain(
      `座位 2 · 指纹 ${fingerprint}`,
    );
    await dialog.getByTestId('chief-key').fill(chiefKeyFile(site, dir));
    await dialog.getByTestId('chief-pin').fill(TEST_PIN);
    await dialog.getByTestId('standalone-folder').fill(stick);
    await dialog.getByTestId('dialog-submit').click();

    const codeDialog = page().getByTestId('standalone-code-dialog');
    await codeDialog.waitFor();
    const groups = await codeDialog.getByTestId('standalone-code').locator('.group').allTextContents();
    expect(groups).toHaveLength(3);
    for (const g of groups) expect(g).toMatch(/^[0-9A-Z]{4}$/);
    code = groups.join('-');
    const savedTo = (await codeDialog.getByTestId('standalone-saved-to').textContent()) ?? '';
    packagePath = savedTo.replace(/^考试包已写入：/, '');
    expect(packagePath.startsWith(stick)).toBe(true);
    await codeDialog.getByTestId('dialog-cancel').click();
    await eventually(() => tile(T1).getAttribute('data-state')).toBe('standalone');
  });

  it('imports the package on machine B with the code; the candidate logs in and answers on', async () => {
    await pageB.getByTestId('standalone-proctor-confirm').click();
    await pageB.getByLabel('单机考试包的完整路径').fill(packagePath);
    await pageB.getByRole('button', { name: '读取考试包' }).click();
    const header = pageB.getByTestId('standalone-header');
    // The package read, or the sentence saying why not (shown in the failure).
    await expect.poll(() => importOutcome(pageB)).toBe('read');
    expect(await header.textContent()).toContain(T1);
    await pageB.getByRole('button', { name: '下一步：输入授权码' }).click();
    await pageB.getByRole('textbox', { name: '授权码' }).fill(code);
    await pageB.getByRole('button', { name: '开始单机考试' }).click();
    await pageB.locator('[data-screen="login"]').waitFor();

    await logIn(pageB);
    await pageB.getByRole('button', { name: '开始答题' }).click();
    await pageB.locator('[data-screen="exam"]').waitFor();
    // The time left is the candidate's own, frozen at the export: 14 minutes.
    await expect
      .poll(async () => (await pageB.getByTestId('remaining').textContent()) ?? '')
      .toMatch(/^(0:)?1[34]:\d\d$/);
    // Where the server's answers ended: everything typed on machine A is there.
    expect(await pageB.getByRole('radio', { name: 'A. 选项A' }).isChecked()).toBe(true);
    await pageB.getByRole('radio', { name: 'B. 选项B' }).check();
    typed['J-001'] = 'B';
    await jumpTo(pageB, 2);
    for (const key of ['B', 'C'])
      expect(await pageB.getByRole('checkbox', { name: `${key}. 选项${key}` }).isChecked()).toBe(true);
    await jumpTo(pageB, 4);
    await pageB.getByRole('radio', { name: 'D. 选项D' }).check();
    typed['J-004'] = 'D';
    await jumpTo(pageB, 5);
    await pageB.getByRole('checkbox', { name: 'A. 选项A' }).check();
    await pageB.getByRole('checkbox', { name: 'C. 选项C' }).check();
    typed['J-005'] = ['A', 'C'];
    await journalled('J-005', ['A', 'C']);
    await journalled('J-001', 'B');
  });

  it('restarts machine B mid-session: it resumes without the code', async () => {
    await machineB.stop();
    machineB = await startStandaloneTestMachine({ rendererDir, dir: join(dir, 'b'), world: machineB.world });
    await pageB.goto(machineB.web.url);
    // Straight back to the paper: no import, no code, no login.
    await pageB.locator('[data-screen="exam"]').waitFor();
    expect(await pageB.getByTestId('standalone-bar').count()).toBe(1);
    // The count carried over the restart: still the 14 minutes, less what was used.
    await expect
      .poll(async () => (await pageB.getByTestId('remaining').textContent()) ?? '')
      .toMatch(/^(0:)?1[34]:\d\d$/);
    await jumpTo(pageB, 1);
    expect(await pageB.getByRole('radio', { name: 'B. 选项B' }).isChecked()).toBe(true);
    await jumpTo(pageB, 6);
    await pageB.getByRole('radio', { name: '错误' }).check();
    typed['J-006'] = false;
    await journalled('J-006', false);
  });

  it('hands in on machine B, which writes the answer file to the stick', async () => {
    await pageB.getByRole('button', { name: '交卷', exact: true }).click();
    await pageB.getByRole('button', { name: '确认交卷' }).click();
    await pageB.locator('[data-screen="end"]').waitFor();
    await pageB.getByTestId('answer-file').waitFor();
    const paths = await pageB.getByTestId('answer-file-path').allTextContents();
    answerFile = paths.find((p) => p.startsWith(stick)) ?? '';
    expect(answerFile).toMatch(/\.exampkg$/);
    expect(readFileSync(answerFile).length).toBeGreaterThan(0);
    // Machine B never reached the site: the console has never seen seat 2's machine online.
    expect(await tile(T2).locator('.dot').getAttribute('class')).toBe('dot off');
  });

  it('refuses the end while the package is out and its answers are not collected', async () => {
    await page().getByTestId('end').click();
    const end = page().getByTestId('end-dialog');
    await eventually(() => end.locator('[data-key="standalone-collected"]').getAttribute('data-ok')).toBe(
      'false',
    );
    expect(await end.getByTestId('dialog-submit').isDisabled()).toBe(true);
    await end.getByTestId('dialog-cancel').click();
  });

  it('collects the answer file at the console; the end command is then allowed', async () => {
    await page().getByTestId('standalone').click();
    await page().getByTestId('standalone-dialog').getByTestId('standalone-collect').click();
    const dialog = page().getByTestId('standalone-collect-dialog');
    await dialog.getByTestId('standalone-file').fill(answerFile);
    await dialog.getByTestId('dialog-submit').click();
    const result = dialog.getByTestId('standalone-collect-result');
    await eventually(() => result.textContent()).toContain('考生已交卷');
    // Five changes were made on machine B: J-001, J-004, J-005 twice, and J-006 after the restart.
    expect(await result.textContent()).toContain(`已回收 ${T1} 的作答：合并 5 条`);
    await dialog.getByTestId('dialog-cancel').click();
    await eventually(() => tile(T1).getAttribute('data-state')).toBe('handed-in');

    await page().getByTestId('end').click();
    const end = page().getByTestId('end-dialog');
    await end.waitFor();
    await eventually(() => end.locator('[data-key="standalone-collected"]').getAttribute('data-ok')).toBe(
      'true',
    );
    await eventually(() => end.getByTestId('checklist-verdict').textContent()).toBe(
      '检查通过，可以结束考试。',
    );
    await end.getByTestId('dialog-submit').click();
    await eventually(() => page().getByTestId('phase').textContent()).toBe('已结束');
  });

  it('holds everything typed, online and standalone, and the centre’s verifier passes', async () => {
    const stored = storedChanges(site, T1);
    expect(latestAnswers(stored)).toEqual(typed);
    expect(stored.map((c) => c.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(stored.filter((c) => c.packageId === null).map((c) => c.seq)).toEqual([1, 2, 3, 4]);
    const packageIds = new Set(stored.filter((c) => c.packageId !== null).map((c) => c.packageId));
    expect(packageIds.size).toBe(1);
    const [packageId] = packageIds;

    const res = await siteFetch(`${site.url}/api/admin/sittings/${SITTING}/answer-package`, {
      method: 'POST',
      headers: { authorization: `Bearer ${site.server.adminToken}` },
    });
    expect(res.status).toBe(200);
    const exported = (await res.json()) as Ack<{ path: string; finality: { kind: string } }>;
    if (!exported.ok) throw new Error(exported.error.message);
    const { path, finality } = exported.value;
    expect(finality.kind).toBe('final');
    const verified = verifyAnswerPackage(
      readFileSync(path),
      site.pki.centre,
      new Date(site.clock.now()),
      site.built.approvalKeys,
    );
    expect(verified.notHandedIn).toEqual([]);
    expect(verified.standalone.cases).toEqual([
      {
        packageId,
        ticketNo: T1,
        changes: 5,
        consentBy: site.pki.chief.holder,
        consentVerified: true,
        collected: true,
      },
    ]);
    expect(verified.standalone.changes.map((c) => [c.seq, c.itemId])).toEqual([
      [5, 'J-001'],
      [6, 'J-004'],
      [7, 'J-005'],
      [8, 'J-005'],
      [9, 'J-006'],
    ]);
    const candidate = verified.package.candidates.find((c) => c.ticketNo === T1)!;
    expect(candidate.status).toBe('handed-in');
    expect(latestAnswers(candidate.changes)).toEqual(typed);
    expect(candidate.changes.filter((c) => c.source === 'standalone').map((c) => c.seq)).toEqual([
      5, 6, 7, 8, 9,
    ]);
  });
});
