/**
 * The lock-down every window of both apps gets (STYLE §9), Electron-free: main passes its
 * objects in, and the types below are the small parts of Electron's used here. Isolated,
 * sandboxed, no Node in the page, no new windows, no navigation away, no webviews, devtools
 * only in development. Permissions are refused in `permissions.ts`.
 */

/** The one development switch of both apps: NODE_ENV=development, and never when packaged. */
export function isDevelopment(
  env: Readonly<Record<string, string | undefined>>,
  isPackaged: boolean,
): boolean {
  return !isPackaged && env.NODE_ENV === 'development';
}

/** Electron's `webPreferences` for a locked-down window. */
export function lockedWebPreferences(opts: { preload: string; development: boolean }) {
  return {
    preload: opts.preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools: opts.development,
  } as const;
}

interface Preventable {
  preventDefault(): void;
}

/** The part of Electron's WebContents used here. */
export interface WebContentsLike {
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
  on(event: 'will-navigate', listener: (e: Preventable) => void): unknown;
  on(event: 'will-redirect', listener: (e: Preventable) => void): unknown;
  on(event: 'will-attach-webview', listener: (e: Preventable) => void): unknown;
}

/** The part of Electron's app used here. */
export interface AppLike {
  on(event: 'web-contents-created', listener: (e: unknown, contents: WebContentsLike) => void): unknown;
}

/** No window.open, no navigating or redirecting away from the app, no <webview>. */
export function lockDownContents(contents: WebContentsLike): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (e) => e.preventDefault());
  contents.on('will-redirect', (e) => e.preventDefault());
  contents.on('will-attach-webview', (e) => e.preventDefault());
}

/** Locks down every web contents the app ever makes, windows and anything inside them. */
export function lockDownApp(app: AppLike): void {
  app.on('web-contents-created', (_e, contents) => lockDownContents(contents));
}
