import { appOrigin, isAppUrl as isAppUrlOf } from '@exam/shell/appProtocol';
import { lockedWebPreferences } from '@exam/shell/window';
import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * What the kiosk allows, as pure data and functions, so it is tested under Node. `main.ts`
 * applies it to Electron's objects. Only the type of the window options comes from
 * electron here (erased at run time), so the options are checked against Electron's API.
 */

/** The keyboard event as Electron's `before-input-event` reports it. */
export interface KeyInput {
  type: string;
  key: string;
  control: boolean;
  alt: boolean;
  meta: boolean;
  shift: boolean;
}

/**
 * The shortcut a key press is, when it would close, reload, print, open devtools, zoom or
 * navigate the kiosk; null for anything else. The OS-level ones (Ctrl+Alt+Del, Alt+Tab,
 * Win+D, Cmd+Tab) never reach Electron: the README says how sites lock those down.
 */
export function blockedShortcut(input: KeyInput): string | null {
  if (input.type !== 'keyDown') return null;
  const key = input.key.length === 1 ? input.key.toLowerCase() : input.key;
  const mod = input.control || input.meta;
  if (input.alt && key === 'F4') return 'Alt+F4';
  if (['F5', 'F11', 'F12'].includes(key)) return key;
  if (input.alt && (key === 'ArrowLeft' || key === 'ArrowRight' || key === 'Home')) return `Alt+${key}`;
  if (mod && input.shift && ['i', 'j', 'c', 'r', 'n', 'q', 'w'].includes(key))
    return `Ctrl+Shift+${key.toUpperCase()}`;
  if (
    mod &&
    ['w', 'q', 'r', 'p', 'n', 't', 'o', 's', 'l', 'h', 'j', 'u', 'm', 'f4'].includes(key.toLowerCase())
  ) {
    return `Ctrl+${key.toUpperCase()}`;
  }
  // Page zoom would break the 1024×768 layout; the toolbar has its own text size.
  if (mod && ['+', '=', '-', '0'].includes(key)) return `Ctrl+${key}`;
  return null;
}

/** Closing is refused while a sitting runs on this machine (and reported to the proctor). */
export function mayClose(sittingInProgress: boolean): boolean {
  return !sittingInProgress;
}

/** The app's own origin; anything else is not a page the kiosk shows. */
export const APP_NAME = 'candidate';
export const APP_ORIGIN = appOrigin(APP_NAME);
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** True for a URL inside the app; the IPC handlers accept calls only from such frames. */
export function isAppUrl(url: string | undefined): boolean {
  return isAppUrlOf(APP_NAME, url);
}

/** The one window: locked down (STYLE §9, the shell's preferences), full screen and on top. */
export function kioskWindowOptions(opts: {
  preloadPath: string;
  development: boolean;
}): BrowserWindowConstructorOptions {
  return {
    show: false,
    kiosk: !opts.development,
    fullscreen: !opts.development,
    alwaysOnTop: !opts.development,
    frame: opts.development,
    autoHideMenuBar: true,
    minWidth: 1024,
    minHeight: 768,
    backgroundColor: '#eef2f7',
    title: '考生作答系统',
    webPreferences: lockedWebPreferences({ preload: opts.preloadPath, development: opts.development }),
  };
}
