import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { displayFingerprint } from '@exam/protocol';
import { approveMachine, type CandidateSite, startCandidateSite } from '@exam/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateMachineKey } from '../core/machineKey.js';
import { a11yViolations, describeViolations } from './support/a11y.js';
import { candidatePage, launchChromium } from './support/browser.js';
import { startTestMachine, type TestMachine } from './support/machine.js';
import { builtRenderer } from './support/renderer.js';

/**
 * A machine the site has never seen (issue 16), in real Chromium at 1024×768: it can only ask
 * to join a seat, then shows its seat and fingerprint in large type for the proctor, and goes
 * on to the login screen by itself once the room's proctor approves it.
 */
const SEAT = 3;

let site: CandidateSite;
let browser: Browser;
let dir: string;
let machine: TestMachine;
let page: Page;

/** Nothing of the screen is cut off at the notice's minimum resolution. */
async function fitsTheScreen(p: Page): Promise<boolean> {
  return p.evaluate<boolean>(
    'document.documentElement.scrollWidth <= window.innerWidth && ' +
      'document.documentElement.scrollHeight <= window.innerHeight',
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'candidate-approval-'));
  let rendererDir: string;
  [rendererDir, site, browser] = await Promise.all([builtRenderer(), startCandidateSite(), launchChromium()]);
  machine = await startTestMachine({ site, rendererDir, dir, seatNo: SEAT, approved: false });
  page = await candidatePage(browser);
  await page.goto(machine.web.url);
});

afterAll(async () => {
  await browser?.close();
  await machine?.stop();
  await site?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a machine that is not approved yet, in Chromium', () => {
  it('asks to join, shows its seat and fingerprint to the proctor, and reaches the login screen once approved', async () => {
    const fingerprint = displayFingerprint(loadOrCreateMachineKey(machine.machineKeyPath).fingerprint);
    expect(fingerprint).toMatch(/^[0-9A-F]{4}(-[0-9A-F]{4}){3}$/);

    // No login form for a machine the site does not know: only the join request.
    const join = page.locator('[data-screen="join"]');
    await join.waitFor();
    expect(await page.getByLabel('身份证号').count()).toBe(0);
    expect(await join.getByTestId('machine-fingerprint').textContent()).toContain(fingerprint);
    // Proposed from the seat the site set the machine up for.
    expect(await page.getByLabel('考场编号').inputValue()).toBe('R1');
    expect(await page.getByLabel('座位号').inputValue()).toBe(String(SEAT));
    expect(await fitsTheScreen(page)).toBe(true);
    const joinViolations = await a11yViolations(page);
    expect(joinViolations, describeViolations(joinViolations)).toEqual([]);
    await page.getByRole('button', { name: '申请加入' }).click();

    const pending = page.locator('[data-screen="pending"]');
    await pending.waitFor();
    await expect
      .poll(() => pending.getByTestId('pending-ask').textContent())
      .toBe(`请监考老师在监考机上批准本机：座位 ${SEAT} · 指纹 ${fingerprint}`);
    expect(await fitsTheScreen(page)).toBe(true);
    const pendingViolations = await a11yViolations(page);
    expect(pendingViolations, describeViolations(pendingViolations)).toEqual([]);
    // The proctor's console sees the same request: seat and fingerprint.
    const snapshot = (await site.proctorCall('room:subscribe', {})) as {
      joinRequests: { fingerprint: string; seatNo: number }[];
    };
    const request = snapshot.joinRequests.find((r) => displayFingerprint(r.fingerprint) === fingerprint);
    expect(request?.seatNo).toBe(SEAT);

    // The proctor approves on the console; nobody touches the machine.
    await approveMachine(site.url, 'R1', request!.fingerprint, SEAT);
    await page.locator('[data-screen="login"]').waitFor();
    await expect.poll(() => page.locator('.topbar-seat').textContent()).toContain(`机位 ${SEAT}`);
    expect(machine.host.core.status().machine).toMatchObject({
      stage: 'approved',
      roomId: 'R1',
      seatNo: SEAT,
    });
  });

  it('is still approved after a restart, and goes straight to the login screen', async () => {
    await machine.stop();
    machine = await startTestMachine({
      site,
      rendererDir: await builtRenderer(),
      dir,
      seatNo: SEAT,
      approved: false,
    });
    await page.goto(machine.web.url);
    await page.locator('[data-screen="login"]').waitFor();
    expect(await page.locator('[data-screen="join"]').count()).toBe(0);
  });
});
