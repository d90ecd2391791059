import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idNumberFor, ticketFor } from '@exam/centre';
import { machinePublicKeyOf } from '@exam/crypto';
import type { Ack } from '@exam/protocol';
import {
  type CandidateSite,
  call,
  connected,
  JUNIOR_SITTING,
  proveMachine,
  rawSocket,
  startCandidateSite,
} from '@exam/testkit';
import type { Browser, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidatePage, launchChromium } from './support/browser.js';
import { startTestMachine, type TestMachine } from './support/machine.js';
import { builtRenderer } from './support/renderer.js';

/**
 * One live session per candidate (issue 16), as the candidate sees it: a second session of
 * the same candidate takes over, and this machine says so plainly and sends nothing more.
 */
const TICKET = ticketFor(1, 1);

let site: CandidateSite;
let browser: Browser;
let machine: TestMachine;
let page: Page;
let dir: string;
let second: Socket | null = null;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'candidate-replaced-'));
  const [rendererDir, startedSite, startedBrowser] = await Promise.all([
    builtRenderer(),
    startCandidateSite(),
    launchChromium(),
  ]);
  site = startedSite;
  browser = startedBrowser;
  machine = await startTestMachine({ site, rendererDir, dir, seatNo: 1 });
  page = await candidatePage(browser);
});

afterAll(async () => {
  second?.disconnect();
  await browser?.close();
  await machine?.stop();
  await site?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a candidate whose session another login took over', () => {
  it('shows the replaced screen, and the core stops its session', async () => {
    await site.proctorCall('login:open', { sittingId: JUNIOR_SITTING });
    await page.goto(machine.web.url);
    await page.getByLabel('准考证号').fill(TICKET);
    await page.getByLabel('身份证号').fill(idNumberFor(1));
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('[data-screen="confirm"]').waitFor();
    await page.getByRole('button', { name: '确认登录' }).click();

    // Another connection with this machine's key logs the same candidate in.
    const privateKeyPem = readFileSync(machine.machineKeyPath, 'utf8');
    second = rawSocket(site.url, 'candidate', {}, site.trust);
    await connected(second);
    await proveMachine(second, { publicKey: machinePublicKeyOf(privateKeyPem), privateKeyPem });
    const login = await call<Ack<unknown>>(second, 'candidate:login', {
      ticketNo: TICKET,
      idNumber: idNumberFor(1),
    });
    expect(login.ok).toBe(true);

    const replaced = page.locator('[data-screen="replaced"]');
    await replaced.waitFor();
    expect(await replaced.textContent()).toContain('该考生已在其他连接上重新登录');
    expect(machine.host.core.status().phase).toBe('revoked');
  });
});
