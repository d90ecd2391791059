import { arrangementCode, testExamSpec, ticketFor } from '@exam/centre';
import type { Ack, RoomsOverview } from '@exam/protocol';
import {
  call,
  closeMachineApprovers,
  type EmptyTestSite,
  ensureAdminPage,
  proctorSocket,
  SimulatedCandidate,
  siteFetch,
  startEmptyTestSite,
  startTestSite,
  type TestSite,
} from '@exam/testkit';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminBrowser, initialPassword, launchAdminBrowser, signIn } from '../testing/browser.js';

/**
 * The site admin page in real Chromium against real site servers over loopback HTTPS:
 * sign-in, the import with its progress and result, the arrangement check, the rooms
 * overview against the site's own state, the cleanup's refusal, the language switch.
 */
const SITTING = 'S-J-ECON';
const MIN = 60_000;
const poll = { timeout: 20_000, interval: 100 };
let browser: AdminBrowser;

beforeAll(async () => {
  await ensureAdminPage();
  browser = await launchAdminBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
});

describe('signing in', () => {
  let site: EmptyTestSite;
  beforeAll(async () => {
    site = await startEmptyTestSite();
  });
  afterAll(async () => site?.stop());

  it('refuses a wrong password in words and signs in with the right one', async () => {
    const page = await browser.open(site.url);
    await page.getByTestId('signin-password').fill('not-the-password');
    await page.getByTestId('signin-submit').click();
    await expect
      .poll(() => page.getByTestId('signin-error').textContent(), poll)
      .toBe('密码错误，请重新输入。');
    await signIn(page, initialPassword(site.dataDir));
    expect(await page.getByTestId('site-line').textContent()).toBe('尚未导入考试数据');
    // A reload finds the session again (the cookie), without asking for the password.
    await page.reload();
    await page.getByTestId('nav-rooms').waitFor();
    await page.context().close();
  });

  it('says the sign-in is locked after five wrong passwords, even for the right one', async () => {
    const page = await browser.open(site.url);
    for (let i = 0; i < 5; i++) {
      await page.getByTestId('signin-password').fill(`wrong-${i}`);
      await page.getByTestId('signin-submit').click();
      await expect.poll(() => page.getByTestId('signin-submit').isEnabled(), poll).toBe(true);
    }
    await page.getByTestId('signin-password').fill(initialPassword(site.dataDir));
    await page.getByTestId('signin-submit').click();
    await expect
      .poll(() => page.getByTestId('signin-error').textContent(), poll)
      .toBe('密码错误次数过多，登录已锁定，请稍后再试。');
    expect(await page.getByTestId('nav-rooms').count()).toBe(0);
    await page.context().close();
  });
});

describe('importing the exam data and the authorization', () => {
  let site: EmptyTestSite;
  beforeAll(async () => {
    site = await startEmptyTestSite({ rooms: 2, perRoom: 5 });
  });
  afterAll(async () => site?.stop());

  it('uploads each package with a progress bar and says what was verified', async () => {
    const page = await browser.open(site.url);
    await signIn(page, initialPassword(site.dataDir));
    const file = (name: string, buffer: Buffer) => ({ name, mimeType: 'application/octet-stream', buffer });

    // The authorization first is refused: nothing to authorize yet.
    await page
      .getByTestId('import-auth-file')
      .setInputFiles(file('authorization.exampkg', site.built.authorization));
    await page.getByTestId('import-auth-upload').click();
    await expect.poll(() => page.getByTestId('import-auth-result').textContent(), poll).toMatch(/^未导入：/);

    await page.getByTestId('import-exam-file').setInputFiles(file('exam-data.exampkg', site.built.examData));
    await page.getByTestId('import-exam-upload').click();
    const result = page.getByTestId('import-exam-result');
    await expect.poll(() => result.textContent(), poll).toContain('考试数据已通过校验并导入');
    expect(await result.textContent()).toMatch(
      /考点 .+（SITE-T），批次 \d+ 个，场次 2 个，考场 2 个，考生 \d+ 名，登记密钥 5 把。$/,
    );
    // The bar went all the way: every byte of the package was sent.
    const bar = page.getByTestId('import-exam-progress');
    expect(await bar.getAttribute('value')).toBe(String(site.built.examData.length));
    expect(await bar.getAttribute('max')).toBe(String(site.built.examData.length));
    await expect.poll(() => page.getByTestId('site-line').textContent(), poll).toContain('SITE-T');

    await page.getByTestId('import-auth-upload').click();
    await expect
      .poll(() => page.getByTestId('import-auth-result').textContent(), poll)
      .toMatch(/^授权已通过校验并导入：场次 S-J-ECON、S-SENIOR，有效期 2021\/10\/22 08:30 至 /);

    // A second exam data package is refused in words, and the site keeps the first.
    await page.getByTestId('import-exam-upload').click();
    await expect.poll(() => result.textContent(), poll).toMatch(/^未导入：.*already been imported/);
    await page.context().close();
  });
});

describe('the arrangement check, the rooms overview and the cleanup', () => {
  let site: TestSite;
  let proctor: Awaited<ReturnType<typeof proctorSocket>>;
  let page: Page;
  const machines: SimulatedCandidate[] = [];
  const spec = () => testExamSpec({ rooms: 2, perRoom: 6, juniorStart: new Date(site.juniorStart) });

  beforeAll(async () => {
    site = await startTestSite({ rooms: 2, perRoom: 6 });
    page = await browser.open(site.url);
    await signIn(page, initialPassword(site.dataDir));
  });
  afterAll(async () => {
    for (const m of machines) m.close();
    proctor?.close();
    await page?.context().close();
    await site?.stop();
  });

  const scan = async (code: string) => {
    // A USB scanner types into whatever has the focus and ends with Enter: the input must have it.
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
  };

  it('says per room whether a scanned code matches, and why not', async () => {
    await page.getByTestId('nav-arrangement').click();
    await page.getByTestId('arrangement-table').waitFor();
    await expect
      .poll(() => page.getByTestId('arrangement-summary').textContent(), poll)
      .toBe('已校验 0 / 2 个考场');
    await expect
      .poll(() => page.locator(':focus').getAttribute('data-testid'), poll)
      .toBe('arrangement-input');

    await scan(arrangementCode(spec(), 'R1'));
    await expect.poll(() => page.getByTestId('arrangement-verdict').textContent(), poll).toBe('R1 一致');
    await expect.poll(() => page.getByTestId('arrangement-state-R1').textContent(), poll).toBe('一致');
    expect(await page.getByTestId('arrangement-state-R2').textContent()).toBe('未校验');

    const other = spec();
    // The same room printed from an arrangement where two candidates swapped seats.
    const swapped = other.candidates.map((c) =>
      c.ticketNo === ticketFor(2, 1)
        ? { ...c, seatNo: 2 }
        : c.ticketNo === ticketFor(2, 2)
          ? { ...c, seatNo: 1 }
          : c,
    );
    await scan(arrangementCode({ ...other, candidates: swapped }, 'R2'));
    await expect.poll(() => page.getByTestId('arrangement-verdict').textContent(), poll).toBe('R2 不一致');
    expect(await page.getByTestId('arrangement-reason').textContent()).toBe(
      '编排时间相同，但考场的考生或座位与本考点数据不同。',
    );
    await expect.poll(() => page.getByTestId('arrangement-state-R2').textContent(), poll).toBe('不一致');

    await scan(arrangementCode({ ...other, arrangementTimestamp: '2021-10-20T01:00:00.000Z' }, 'R1'));
    await expect
      .poll(() => page.getByTestId('arrangement-reason').textContent(), poll)
      .toMatch(/^编排时间不同：编码为 2021\/10\/20 09:00，本考点数据为 /);
    await expect.poll(() => page.getByTestId('arrangement-state-R1').textContent(), poll).toBe('不一致');

    await scan(arrangementCode({ ...other, site: { ...other.site, siteId: 'SITE-X' } }, 'R1'));
    await expect
      .poll(() => page.getByTestId('arrangement-reason').textContent(), poll)
      .toBe('编码属于另一个考点（SITE-X），本考点为 SITE-T。');
    await scan(arrangementCode({ ...other, examId: 'OTHER-EXAM' }, 'R1'));
    await expect
      .poll(() => page.getByTestId('arrangement-reason').textContent(), poll)
      .toMatch(/^编码属于另一场考试（OTHER-EXAM）/);
    await scan(
      arrangementCode({ ...other, rooms: [...other.rooms, { roomId: 'R9', name: '9', seats: 1 }] }, 'R9'),
    );
    await expect
      .poll(() => page.getByTestId('arrangement-reason').textContent(), poll)
      .toBe('本考点的考试数据中没有考场 R9。');
    // Another site's or room's code leaves the site's rooms as they were; R1 scanned right again matches.
    await scan(arrangementCode(spec(), 'R1'));
    await expect.poll(() => page.getByTestId('arrangement-state-R1').textContent(), poll).toBe('一致');
    expect(await page.getByTestId('arrangement-summary').textContent()).toBe('已校验 2 / 2 个考场');
    // The checks are on the audit chain: a fresh page (and a restarted server) shows them.
    await page.reload();
    await page.getByTestId('nav-arrangement').click();
    await expect.poll(() => page.getByTestId('arrangement-state-R2').textContent(), poll).toBe('不一致');
  });

  it('shows every room with the same figures as the site', async () => {
    proctor = await proctorSocket(site, 'R1');
    expect(((await call(proctor, 'login:open', { sittingId: SITTING })) as Ack<unknown>).ok).toBe(true);
    for (const seat of [1, 2, 3, 4]) {
      const m = await SimulatedCandidate.register(site, seat);
      machines.push(m);
      await m.login();
    }
    await call(proctor, 'candidate:absent', { sittingId: SITTING, ticketNo: ticketFor(1, 6), absent: true });
    site.clock.set(site.juniorStart);
    expect(((await call(proctor, 'sitting:start', { sittingId: SITTING })) as Ack<unknown>).ok).toBe(true);
    site.clock.set(site.juniorStart + 80 * MIN);
    await machines[1]!.handIn(SITTING);

    await page.getByTestId('nav-rooms').click();
    const cell = (room: string, what: string) =>
      page.getByTestId(`room-${room}-${SITTING}-${what}`).textContent();
    await expect.poll(() => cell('R1', 'handedIn'), poll).toBe('1');
    expect(await cell('R1', 'phase')).toBe('考试中');
    expect(await cell('R1', 'candidates')).toBe('6');
    expect(await cell('R1', 'loggedIn')).toBe('4');
    expect(await cell('R1', 'answering')).toBe('3');
    expect(await cell('R1', 'absent')).toBe('1');
    expect(await page.getByTestId('room-R1-machines').textContent()).toBe('4 / 4');
    expect(await page.getByTestId('room-R1-console').textContent()).toBe('已连接');
    expect(await page.getByTestId('room-R2-console').textContent()).toBe('未连接');
    expect(await cell('R2', 'phase')).toBe('未开放登录');
    expect(await cell('R2', 'loggedIn')).toBe('0');

    // The same figures as the site's route (read here with the CLI's bearer token).
    const res = await siteFetch(`${site.url}/api/admin/rooms`, {
      headers: { authorization: `Bearer ${site.server.adminToken}` },
    });
    const { value } = (await res.json()) as { value: RoomsOverview };
    for (const room of value.rooms) {
      for (const s of room.sittings) {
        for (const k of ['candidates', 'loggedIn', 'answering', 'handedIn', 'absent'] as const)
          expect(await page.getByTestId(`room-${room.roomId}-${s.sittingId}-${k}`).textContent()).toBe(
            String(s[k]),
          );
      }
    }

    // The consoles leave (this one and the test kit's machine approver): within a refresh the page says so.
    proctor.close();
    closeMachineApprovers(site.url);
    await expect.poll(() => page.getByTestId('room-R1-console').textContent(), poll).toBe('未连接');
  });

  it('per sitting: writes an answer package from its button and shows it; refuses a file that is no receipt', async () => {
    await page.getByTestId('nav-sittings').click();
    const card = page.getByTestId(`sitting-${SITTING}`);
    await expect.poll(() => card.textContent(), poll).toContain('尚未生成答案包');
    expect(await card.getByTestId('sitting-media-export').isDisabled()).toBe(true);
    await card.getByTestId('sitting-write-package').click();
    const pkg = card.getByTestId('sitting-package');
    await expect.poll(() => pkg.textContent(), poll).toContain('临时答案包（考场 R1、R2 未结束）');
    expect(await pkg.textContent()).toMatch(/SHA-256 [0-9a-f]{12}….*interim.*\.exampkg$/);
    // Backups: H2's list when the server has it, "not provided" otherwise; never an error.
    await expect
      .poll(
        async () =>
          (await card.getByTestId('sitting-backups').count()) +
          (await card.getByTestId('sitting-backups-none').count()),
        poll,
      )
      .toBe(1);
    await page.getByTestId('receipt-file').setInputFiles({
      name: 'receipt.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"not":"a receipt"}'),
    });
    await expect
      .poll(() => page.getByTestId('sittings-message').textContent(), poll)
      .toBe('操作失败：This is not a receipt file.');
  });

  it('shows what is missing when the cleanup is refused, after asking first', async () => {
    await page.getByTestId('nav-cleanup').click();
    await page.getByTestId('cleanup-button').click();
    await page.getByTestId('confirm-dialog').waitFor();
    await page.getByTestId('dialog-cancel').click();
    expect(await page.getByTestId('confirm-dialog').count()).toBe(0);
    await page.getByTestId('cleanup-button').click();
    await page.getByTestId('dialog-confirm').click();
    const missing = page.getByTestId('cleanup-missing');
    await expect.poll(() => missing.textContent(), poll).toContain(`场次 ${SITTING} 尚无最终答卷包`);
    // Nothing was removed: the site still answers with its exam.
    await page.getByTestId('nav-keys').click();
    await expect.poll(() => page.getByTestId('key-row').count(), poll).toBe(5);
  });

  it('switches to English in one click and remembers it', async () => {
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByTestId('nav-rooms').textContent(), poll).toBe('Rooms');
    expect(await page.getByTestId('lang-switch').textContent()).toBe('中文');
    await page.reload();
    await expect
      .poll(() => page.getByTestId('nav-arrangement').textContent(), poll)
      .toBe('Arrangement check');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByTestId('nav-rooms').textContent(), poll).toBe('考场总览');
  });
});
