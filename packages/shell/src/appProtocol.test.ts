import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRequestHandler, isAppUrl, registerAppScheme, serveApp } from './appProtocol.js';

function build(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'shell-app-')), 'renderer');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'export {}');
  writeFileSync(join(dir, '..', 'secret.js'), 'not for the page');
  return dir;
}

describe('the app:// protocol', () => {
  it('registers app:// as a standard, secure scheme and serves it', () => {
    const calls: unknown[] = [];
    registerAppScheme({ registerSchemesAsPrivileged: (s) => calls.push(s) });
    serveApp({ handle: (scheme) => calls.push(scheme) }, 'console', build());
    expect(calls).toEqual([
      [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: false } }],
      'app',
    ]);
  });

  it('serves the build with the Electron policy, and nothing outside it or for another app', async () => {
    const handle = appRequestHandler('console', build());
    const index = await handle({ url: 'app://console/index.html' });
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toContain("connect-src 'self';");
    expect(index.headers.get('content-security-policy')).not.toContain('ws:');
    expect((await handle({ url: 'app://console/' })).status).toBe(200);
    expect(await (await handle({ url: 'app://console/assets/app.js' })).text()).toBe('export {}');
    expect((await handle({ url: 'app://console/..%2Fsecret.js' })).status).toBe(404);
    expect((await handle({ url: 'app://candidate/index.html' })).status).toBe(404);
  });

  it('knows the app own pages from any other', () => {
    expect(isAppUrl('candidate', 'app://candidate/index.html')).toBe(true);
    expect(isAppUrl('candidate', 'app://candidate.evil/index.html')).toBe(false);
    expect(isAppUrl('candidate', 'file:///index.html')).toBe(false);
    expect(isAppUrl('candidate', undefined)).toBe(false);
    expect(isAppUrl('candidate', 'not a url')).toBe(false);
  });
});
