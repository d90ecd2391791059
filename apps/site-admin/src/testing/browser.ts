import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SITE_TIME_ZONE } from '@exam/domain';
import { type Browser, chromium, type Page } from 'playwright-core';

/** The admin page's design size (the README's screenshots are taken at it). */
export const ADMIN_VIEWPORT = Object.freeze({ width: 1280, height: 800 });

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface AdminBrowser {
  browser: Browser;
  /** A fresh profile (its own cookies and localStorage) on the site's admin page. */
  open(siteUrl: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * The system Chromium. The site's certificate chains to the exam's centre root, which this
 * throwaway profile does not hold, so certificate errors are ignored here: what the test
 * drives is the page over the site's real HTTPS (cookies marked Secure need it); who the
 * server is, is what decision 0015's clients check, and their tests prove.
 */
export async function launchAdminBrowser(): Promise<AdminBrowser> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    browser,
    async open(siteUrl) {
      const context = await browser.newContext({
        ignoreHTTPSErrors: true,
        viewport: { ...ADMIN_VIEWPORT },
        locale: 'zh-CN',
        timezoneId: SITE_TIME_ZONE,
      });
      const page = await context.newPage();
      await page.goto(`${siteUrl}/admin/`);
      return page;
    },
    close: () => browser.close(),
  };
}

/** The one-time password the site server wrote on its first start. */
export function initialPassword(dataDir: string): string {
  return readFileSync(join(dataDir, 'admin-initial-password'), 'utf8').trim();
}

/** Signs in on the sign-in screen and waits for the navigation. */
export async function signIn(page: Page, password: string): Promise<void> {
  await page.getByTestId('signin-password').fill(password);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('nav-rooms').waitFor();
}
