import { SITE_TIME_ZONE } from '@exam/domain';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (never a downloaded browser build); installed by scripts/system-deps.sh. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const VIEWPORT = Object.freeze({ width: 1024, height: 768 });

/** Headless Chromium with a fresh temporary profile (Playwright makes one per launch). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A page at the notice's minimum screen, in China Standard Time as the candidates are. */
export async function candidatePage(browser: Browser, locale = 'zh-CN'): Promise<Page> {
  const context = await browser.newContext({
    viewport: VIEWPORT,
    screen: VIEWPORT,
    locale,
    timezoneId: SITE_TIME_ZONE,
    reducedMotion: 'reduce',
  });
  return context.newPage();
}
