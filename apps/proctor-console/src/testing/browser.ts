import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SITE_TIME_ZONE } from '@exam/domain';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM_ARGS = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]);

export interface TestBrowser {
  context: BrowserContext;
  /** The fresh profile directory; its path marks this browser's processes (the benchmark). */
  userDataDir: string;
  close(): Promise<void>;
}

/** The system Chromium with a fresh profile, sized as a proctor's screen. */
export async function launchBrowser(viewport = { width: 1366, height: 768 }): Promise<TestBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'proctor-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport,
    locale: 'zh-CN',
    timezoneId: SITE_TIME_ZONE,
  });
  return {
    context,
    userDataDir,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
