import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApprovalParams, issueApprovalCode, toPkcs12 } from '@exam/crypto';
import { siteLocalDate } from '@exam/domain';
import type { TestSite } from '@exam/testkit';
import type { Page } from 'playwright-core';
import { ProctorHost } from '../host/proctorHost.js';
import { openProctorKey } from '../host/proctorKey.js';
import { startWebHost, type WebHost } from '../host/webHost.js';
import type { TestBrowser } from './browser.js';
import { buildRenderer } from './renderer.js';

export const TEST_PIN = '246810';

export interface ConsoleUnderTest {
  host: ProctorHost;
  /** The console's data folder: replica, reports, backups. */
  dataDir: string;
  web: WebHost;
  page: Page;
  close(): Promise<void>;
}

/** A room's proctor key as the centre ships it: a PKCS#12 file behind a PIN. */
export function proctorKeyFile(
  site: TestSite,
  roomId: string,
  dir = mkdtempSync(join(tmpdir(), 'proctor-key-')),
) {
  const holder = site.pki.proctors.get(roomId);
  if (!holder) throw new Error(`no proctor key for ${roomId}`);
  const p12 = toPkcs12({ ...holder, chainPem: [site.pki.centre.certPem], pin: TEST_PIN });
  return { p12, path: join(dir, `proctor-${roomId}.p12`), dir };
}

/**
 * The console in web mode against a real site: the host opened with the room's key file,
 * the renderer served on loopback, one Chromium page on it.
 */
export async function openConsole(
  site: TestSite,
  roomId: string,
  browser: TestBrowser,
  /** `serverUrl`: reach the site another way (a NetworkLink that a test can cut). */
  opts: { signIn?: boolean; serverUrl?: string } = {},
): Promise<ConsoleUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), 'proctor-data-'));
  const serverUrl = opts.serverUrl ?? site.url;
  const host = new ProctorHost({ serverUrl, dataDir });
  if (opts.signIn !== false)
    await host.connect(openProctorKey(proctorKeyFile(site, roomId).p12, TEST_PIN), serverUrl);
  const web = await startWebHost({ host, rendererDir: await buildRenderer() });
  const page = await browser.context.newPage();
  await page.goto(web.url);
  return {
    host,
    dataDir,
    web,
    page,
    async close() {
      await page.close();
      await web.close();
      host.close();
    },
  };
}

/** What the province (or centre) would read over the phone for this action. */
export function approvalCode(
  site: TestSite,
  p: Omit<ApprovalParams, 'siteId' | 'date'> & { serial?: number },
): string {
  const { serial, ...params } = p;
  const date = siteLocalDate(site.juniorStart);
  return issueApprovalCode(
    site.built.approvalKeys[p.authority],
    { ...params, siteId: 'SITE-T', date },
    serial ?? 0,
  );
}

export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
