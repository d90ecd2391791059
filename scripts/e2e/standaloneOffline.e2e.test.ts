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
 * Offline export (issue 17; decision 0017, amendment) across the apps, in real Chromium: the
 * candidate answers online on machine A; A dies and the site server stops; the console builds
 * the package from its replica with the chief examiner's consent; machine B (never reaching
 * the site) imports it with the code, the candidate answers and hands in; the answer file is
 * collected at the console while the site is still down (it waits); the site restarts, the
 * console registers the package first, then the answer file is merged; the room ends and the
 * centre's verifier reads every answer back. The tests share the room and run in order.
 */
const MIN = 60_000;
const SITTING = 'S-J-ECON';
const T1 = ticketFor(1, 1);
const T2 = ticketFor(1, 2);
const tail = (ticketNo: string) => ticketNo.slice(-3);
/** 14 minutes left at the export: inside the junior hand-in window, so B may hand in at once. */
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
let siteConnected = true;
let offlineKeyHeld = false;
let pendingRegistrations = 0;

/** Everything the candidate typed, on either machine: what the site must hold at the end. */
const typed: Record<string, AnswerValue> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'standalone-offline-system-'));
  stick = mkdtempSync(join(tmpdir(), 'standalone-offline-usb-'));
  [site, consoleBrowser, browser, rendererDir] = await Promise.all([
    // Today's sitting (machine B checks the package's expiry on its own wall clock).
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
  room.host.subscribe((p) => {
    if (p.type === 'session') siteConnected = p.session.phase === 'signed-in' && p.session.connected;
    if (p.type === 'standalone') {
      offlineKeyHeld = p.offline.sittingsWithKey.includes(SITTING);
      pendingRegistrations = p.offline.pendingRegistrations.length;
    }
  });
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

async function journalled(itemId: string, value: AnswerValue): Promise<void> {
  await expect
    .poll(() => machineB.host.getAnswers().find((a) => a.itemId === itemId)?.value, { timeout: 10_000 })
    .toEqual(value);
}

describe('the site server is down: the console exports from its replica and every answer comes home', () => {
  it('answers online on machine A; the console holds the sitting key since the start', async () => {
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
    await expect.poll(() => offlineKeyHeld, { timeout: 30_000 }).toBe(true);
  });

  it('loses machine A, then the site server', async () => {
    await clock(EXPORT_AT);
    await machineA.stop();
    machineAStopped = true;
    // Machine B passed its check yesterday (approved for seat 2) and never reaches the site today.
    machineB = await startStandaloneTestMachine({ rendererDir, dir: join(dir, 'b') });
    await preApproveMachine(site, {
      privateKey: machineB.world.machine.privateKeyPem,
      roomId: 'R1',
      seatNo: 2,
    });
    // The console's kit names the machine once it asks again (at its next sign-in or start).
    await room.host.resync();
    await site.server.close();
    await expect.poll(() => siteConnected, { timeout: 30_000 }).toBe(false);
  });

  it('exports offline from the console with the chief examiner’s consent and shows the code', async () => {
    await pageB.goto(machineB.web.url);
    await pageB.locator('[data-screen="connecting"]').waitFor();
    await pageB.getByTestId('standalone-entry').click();
    const shown = (await pageB.getByTestId('standalone-fingerprint').textContent()) ?? '';
    const fingerprint = shown.replace(/^.*：/, '').trim();

    await tile(T1).click();
    await page().getByTestId('act-standalone').click();
    const dialog = page().getByTestId('standalone-export-dialog');
    await dialog.getByTestId('standalone-offline').waitFor();
    expect(await dialog.getByTestId('standalone-offline').textContent()).toContain('离线导出');
    await dialog.getByTestId('reason').fill('考点服务器与考试机均故障');
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
    code = (await codeDialog.getByTestId('standalone-code').locator('.group').allTextContents()).join('-');
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(await codeDialog.getByTestId('standalone-offline-pending').count()).toBe(1);
    const savedTo = (await codeDialog.getByTestId('standalone-saved-to').textContent()) ?? '';
    packagePath = savedTo.replace(/^考试包已写入：/, '');
    expect(packagePath.startsWith(stick)).toBe(true);
    await codeDialog.getByTestId('dialog-cancel').click();
    expect(pendingRegistrations).toBe(1);
  });

  it('imports the package on machine B with the code; the candidate answers on and hands in', async () => {
    await pageB.getByTestId('standalone-proctor-confirm').click();
    await pageB.getByLabel('单机考试包的完整路径').fill(packagePath);
    await pageB.getByRole('button', { name: '读取考试包' }).click();
    await pageB.getByTestId('standalone-header').waitFor();
    expect(await pageB.getByTestId('standalone-header').textContent()).toContain(T1);
    await pageB.getByRole('button', { name: '下一步：输入授权码' }).click();
    await pageB.getByRole('textbox', { name: '授权码' }).fill(code);
    await pageB.getByRole('button', { name: '开始单机考试' }).click();
    await pageB.locator('[data-screen="login"]').waitFor();
    // The ID number is checked against the site's salted check the console carried.
    await logIn(pageB);
    await pageB.getByRole('button', { name: '开始答题' }).click();
    await pageB.locator('[data-screen="exam"]').waitFor();
    await expect
      .poll(async () => (await pageB.getByTestId('remaining').textContent()) ?? '')
      .toMatch(/^(0:)?1[34]:\d\d$/);
    // Where the replica's answers ended.
    expect(await pageB.getByRole('radio', { name: 'A. 选项A' }).isChecked()).toBe(true);
    await pageB.getByRole('radio', { name: 'C. 选项C' }).check();
    typed['J-001'] = 'C';
    await jumpTo(pageB, 4);
    await pageB.getByRole('radio', { name: 'D. 选项D' }).check();
    typed['J-004'] = 'D';
    await journalled('J-004', 'D');
    await journalled('J-001', 'C');
    await pageB.getByRole('button', { name: '交卷', exact: true }).click();
    await pageB.getByRole('button', { name: '确认交卷' }).click();
    await pageB.locator('[data-screen="end"]').waitFor();
    await pageB.getByTestId('answer-file').waitFor();
    const paths = await pageB.getByTestId('answer-file-path').allTextContents();
    answerFile = paths.find((p) => p.startsWith(stick)) ?? '';
    expect(answerFile).toMatch(/\.exampkg$/);
  });

  it('keeps the answer file at the console while the site is down', async () => {
    const r = await room.host.invoke('standaloneCollect', { path: answerFile });
    expect(r).toMatchObject({ ok: true, value: { queued: true, pending: 1 } });
  });

  it('registers the package when the site is back, then collects: the end is allowed', async () => {
    await site.restart();
    await expect.poll(() => pendingRegistrations, { timeout: 60_000, interval: 200 }).toBe(0);
    await eventually(() => tile(T1).getAttribute('data-state')).toBe('handed-in');
    const db = site.server.ctx.db;
    expect(db.prepare('SELECT built_by, state FROM standalone_packages').all()).toEqual([
      { built_by: 'console', state: 'collected' },
    ]);
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
    expect(stored.filter((c) => c.packageId === null).map((c) => c.seq)).toEqual([1, 2, 3, 4]);
    const [packageId] = new Set(stored.filter((c) => c.packageId !== null).map((c) => c.packageId));
    const res = await siteFetch(`${site.url}/api/admin/sittings/${SITTING}/answer-package`, {
      method: 'POST',
      headers: { authorization: `Bearer ${site.server.adminToken}` },
    });
    expect(res.status).toBe(200);
    const exported = (await res.json()) as Ack<{ path: string; finality: { kind: string } }>;
    if (!exported.ok) throw new Error(exported.error.message);
    const verified = verifyAnswerPackage(
      readFileSync(exported.value.path),
      site.pki.centre,
      new Date(site.clock.now()),
      site.built.approvalKeys,
    );
    expect(verified.notHandedIn).toEqual([]);
    expect(verified.standalone.cases).toEqual([
      {
        packageId,
        ticketNo: T1,
        changes: 2,
        consentBy: site.pki.chief.holder,
        consentVerified: true,
        collected: true,
      },
    ]);
    const candidate = verified.package.candidates.find((c) => c.ticketNo === T1)!;
    expect(candidate.status).toBe('handed-in');
    expect(latestAnswers(candidate.changes)).toEqual(typed);
  });
});
