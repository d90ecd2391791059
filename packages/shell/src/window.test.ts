import { describe, expect, it } from 'vitest';
import { isDevelopment, lockDownApp, lockedWebPreferences, type WebContentsLike } from './window.js';

function fakeContents() {
  const handlers = new Map<string, (e: { preventDefault(): void }) => void>();
  let openHandler: (() => { action: string }) | null = null;
  const contents: WebContentsLike = {
    setWindowOpenHandler: (h) => {
      openHandler = h;
    },
    on: (event: string, listener: (e: { preventDefault(): void }) => void) => handlers.set(event, listener),
  };
  /** Whether the event was refused. */
  const fire = (event: string) => {
    let prevented = false;
    handlers.get(event)?.({
      preventDefault: () => {
        prevented = true;
      },
    });
    return prevented;
  };
  return { contents, fire, open: () => openHandler?.() };
}

describe('the window lock-down', () => {
  it('isolates and sandboxes the page, with no Node and devtools only in development', () => {
    const prod = lockedWebPreferences({ preload: '/app/preload.cjs', development: false });
    expect(prod).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      devTools: false,
    });
    const dev = lockedWebPreferences({ preload: '/app/preload.cjs', development: true });
    expect(dev.devTools).toBe(true);
    expect(dev.sandbox).toBe(true);
    expect(dev.contextIsolation).toBe(true);
  });

  it('refuses new windows, navigation, redirects and webviews in every web contents', () => {
    let created: ((e: unknown, c: WebContentsLike) => void) | null = null;
    lockDownApp({
      on: (_event, listener) => {
        created = listener;
      },
    });
    const page = fakeContents();
    created!({}, page.contents);
    expect(page.open()).toEqual({ action: 'deny' });
    expect(page.fire('will-navigate')).toBe(true);
    expect(page.fire('will-redirect')).toBe(true);
    expect(page.fire('will-attach-webview')).toBe(true);
  });

  it('is in development only with NODE_ENV=development and never when packaged', () => {
    expect(isDevelopment({ NODE_ENV: 'development' }, false)).toBe(true);
    expect(isDevelopment({ NODE_ENV: 'development' }, true)).toBe(false);
    expect(isDevelopment({ NODE_ENV: 'production' }, false)).toBe(false);
    expect(isDevelopment({ EXAM_DEV: '1' }, false)).toBe(false);
  });
});
