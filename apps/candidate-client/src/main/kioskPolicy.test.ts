import { describe, expect, it } from 'vitest';
import { blockedShortcut, isAppUrl, type KeyInput, kioskWindowOptions, mayClose } from './kioskPolicy.js';

const key = (k: string, mods: Partial<KeyInput> = {}): KeyInput => ({
  type: 'keyDown',
  key: k,
  control: false,
  alt: false,
  meta: false,
  shift: false,
  ...mods,
});

describe('kiosk policy', () => {
  it('blocks the shortcuts that close, reload, print, open devtools or zoom the window', () => {
    expect(blockedShortcut(key('F4', { alt: true }))).toBe('Alt+F4');
    expect(blockedShortcut(key('w', { control: true }))).toBe('Ctrl+W');
    expect(blockedShortcut(key('q', { meta: true }))).toBe('Ctrl+Q');
    expect(blockedShortcut(key('F5'))).toBe('F5');
    expect(blockedShortcut(key('I', { control: true, shift: true }))).toBe('Ctrl+Shift+I');
    expect(blockedShortcut(key('p', { control: true }))).toBe('Ctrl+P');
    expect(blockedShortcut(key('=', { control: true }))).toBe('Ctrl+=');
    expect(blockedShortcut(key('ArrowLeft', { alt: true }))).toBe('Alt+ArrowLeft');
  });

  it('lets typing, editing and the calculator keys through', () => {
    for (const k of ['a', '中', 'Enter', 'Escape', 'Backspace', '+', '/', 'ArrowLeft', 'Tab'])
      expect(blockedShortcut(key(k))).toBeNull();
    // Copy, paste, cut, undo and select-all work inside an answer.
    for (const k of ['c', 'v', 'x', 'z', 'a']) expect(blockedShortcut(key(k, { control: true }))).toBeNull();
    // Switching input methods (Ctrl+Shift, Ctrl+Space) must never be blocked.
    expect(blockedShortcut(key('Shift', { control: true, shift: true }))).toBeNull();
    expect(blockedShortcut(key(' ', { control: true }))).toBeNull();
    expect(blockedShortcut({ ...key('F5'), type: 'keyUp' })).toBeNull();
  });

  it('refuses to close while a sitting runs', () => {
    expect(mayClose(true)).toBe(false);
    expect(mayClose(false)).toBe(true);
  });

  it('trusts only frames from the app origin', () => {
    expect(isAppUrl('app://candidate/index.html')).toBe(true);
    expect(isAppUrl('https://candidate/index.html')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl(undefined)).toBe(false);
  });

  it('locks the window down, with devtools only in development', () => {
    const prod = kioskWindowOptions({ preloadPath: '/p.cjs', development: false });
    expect(prod).toMatchObject({ kiosk: true, fullscreen: true, alwaysOnTop: true });
    expect(prod.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      devTools: false,
      preload: '/p.cjs',
    });
    const dev = kioskWindowOptions({ preloadPath: '/p.cjs', development: true });
    expect(dev.webPreferences?.devTools).toBe(true);
    expect(dev.webPreferences?.sandbox).toBe(true);
  });
});
