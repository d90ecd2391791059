import { BrowserWindow, session as electronSession, type Session } from 'electron';
import { rendererCsp } from '../shared/csp.js';

/**
 * Every window of the console is made here and nowhere else (STYLE §9): isolated, sandboxed,
 * no Node in the page, no new windows, no navigation away, devtools only in development.
 */
export function createSecureWindow(opts: { preload: string; dev: boolean }): BrowserWindow {
  const win = new BrowserWindow({
    width: 1366,
    height: 768,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    title: '监考机',
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: opts.dev,
    },
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.on('will-redirect', (event) => event.preventDefault());
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  return win;
}

/** The CSP as a response header for every page the app loads, and no permission prompts. */
export function lockDownSession(s: Session = electronSession.defaultSession): void {
  s.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [rendererCsp()] },
    });
  });
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
}
