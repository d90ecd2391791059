import { exposeBridge } from '@exam/shell/ipcBridge';
import { StandInContextBridge, StandInIpcMain, StandInWebContents } from '@exam/shell/ipcStandIns';
import { afterAll, describe, expect, it } from 'vitest';
import { ProctorHost } from '../host/proctorHost.js';
import { bindProctorBridge } from './ipc.js';

// Nothing listens there: the console stays signed out, which is all the bridge needs.
const host = new ProctorHost({ serverUrl: 'http://127.0.0.1:9' });
afterAll(() => host.close());

/** The console window as Electron would make it, with stand-ins for Electron's IPC objects. */
function consoleWindow(url = 'app://console/index.html') {
  const ipcMain = new StandInIpcMain();
  const contents = new StandInWebContents(ipcMain, url);
  const unbind = bindProctorBridge(ipcMain, contents, host);
  const contextBridge = new StandInContextBridge();
  const page = exposeBridge(contextBridge, contents.ipcRenderer, 'proctor');
  return { ipcMain, contents, unbind, contextBridge, page };
}

describe('the console bridge over IPC', () => {
  it('gives the page window.proctor and the session push, as web mode does', async () => {
    const { contextBridge, page, unbind } = consoleWindow();
    expect([...contextBridge.exposed.keys()]).toEqual(['proctor']);
    const pushes: unknown[] = [];
    page.subscribe((event, payload) => pushes.push([event, payload]));
    await expect.poll(() => pushes.length).toBeGreaterThan(0);
    expect(pushes[0]).toMatchObject(['host', { type: 'session', session: { phase: 'signed-out' } }]);
    unbind();
  });

  it('refuses unknown commands, malformed arguments and room commands before sign-in', async () => {
    const { page, unbind } = consoleWindow();
    expect(await page.invoke('shutdown', {})).toEqual({
      ok: true,
      value: { ok: false, error: { code: 'UNKNOWN_COMMAND', message: 'Unknown command.' } },
    });
    expect(
      await page.invoke('signIn', { serverUrl: 'file:///etc/passwd', keyFile: 'k', pin: '1' }),
    ).toMatchObject({
      ok: true,
      value: { ok: false, error: { code: 'INVALID_MESSAGE' } },
    });
    expect(await page.invoke('start', { sittingId: 'S1' })).toMatchObject({
      ok: true,
      value: { ok: false, error: { code: 'NOT_SIGNED_IN' } },
    });
    unbind();
  });

  it('answers only the console page, not a page the window was led to', async () => {
    const { page, contents, unbind } = consoleWindow();
    contents.mainFrame.url = 'https://evil.test/';
    expect(await page.invoke('chooseKeyFile', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    unbind();
  });
});
