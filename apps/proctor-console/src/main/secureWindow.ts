import { lockedWebPreferences } from '@exam/shell/window';
import { BrowserWindow } from 'electron';

/**
 * Every window of the console is made here and nowhere else (STYLE §9), with the shell's
 * lock-down (isolated, sandboxed, no Node in the page, devtools only in development); new
 * windows, navigation and webviews are refused for every web contents by `lockDownApp`.
 */
export function createSecureWindow(opts: { preload: string; dev: boolean }): BrowserWindow {
  const win = new BrowserWindow({
    width: 1366,
    height: 768,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    title: '监考机',
    webPreferences: lockedWebPreferences({ preload: opts.preload, development: opts.dev }),
  });
  win.once('ready-to-show', () => win.show());
  return win;
}
