import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { BridgeService, ShellBridge } from './bridge.js';
import { connectBridge, type SocketLike } from './bridgeClient.js';
import { bindBridge, bridgeChannels, exposeBridge } from './ipcBridge.js';
import { StandInContextBridge, StandInIpcMain, StandInWebContents } from './ipcStandIns.js';
import { startWebHost, type WebHost } from './webHost.js';

const APP = 'app://demo/index.html';
const isAppUrl = (url: string | undefined) => url?.startsWith('app://demo/') ?? false;

/**
 * A service as an app writes one: `add` takes `[number, number]` and refuses anything else
 * before doing any work; `boom` fails inside; pushes go to whoever subscribed.
 */
function demoService() {
  const pushes = new Set<(event: string, payload: unknown) => void>();
  const done: unknown[] = [];
  let subscriptions = 0;
  const service: BridgeService = {
    async call(method, args) {
      if (method === 'boom') throw new Error('it broke');
      if (method !== 'add')
        throw Object.assign(new Error(`No bridge call ${method}.`), { code: 'UNKNOWN_METHOD' });
      if (!Array.isArray(args) || args.length !== 2 || !args.every((a) => typeof a === 'number'))
        throw Object.assign(new Error('Invalid arguments for add.'), { code: 'INVALID_ARGUMENTS' });
      done.push(args);
      return (args[0] as number) + (args[1] as number);
    },
    subscribe(push) {
      subscriptions++;
      push('hello', { n: 1 });
      pushes.add(push);
      return () => pushes.delete(push);
    },
    errorCode: (e) => (e as { code?: string }).code ?? 'INTERNAL',
  };
  return {
    service,
    done,
    subscribers: () => pushes.size,
    subscriptions: () => subscriptions,
    pushAll(event: string, payload: unknown) {
      for (const p of pushes) p(event, payload);
    },
  };
}

/** One app window: main binds the service, the page's preload exposes the bridge. */
function electronApp(url = APP) {
  const ipcMain = new StandInIpcMain();
  const contents = new StandInWebContents(ipcMain, url);
  const demo = demoService();
  const unbind = bindBridge(ipcMain, contents, demo.service, { name: 'demo', isTrustedUrl: isAppUrl });
  const contextBridge = new StandInContextBridge();
  const bridge = exposeBridge(contextBridge, contents.ipcRenderer, 'demo');
  return { ipcMain, contents, demo, unbind, contextBridge, bridge };
}

let web: WebHost | null = null;
afterEach(async () => {
  await web?.close();
  web = null;
});

describe('the bridge over Electron IPC', () => {
  it('exposes one object with invoke, subscribe and its mode, and nothing of IPC', async () => {
    const { contextBridge, bridge } = electronApp();
    expect([...contextBridge.exposed.keys()]).toEqual(['demo']);
    const exposed = contextBridge.exposed.get('demo') as ShellBridge;
    expect(exposed).toBe(bridge);
    expect(Object.keys(exposed).sort()).toEqual(['invoke', 'mode', 'subscribe']);
    expect(exposed.mode).toBe('electron');
    expect(Object.isFrozen(exposed)).toBe(true);
    // A listener gets the event name and the payload, never the IPC event (which holds ipcRenderer).
    const args: unknown[][] = [];
    exposed.subscribe((...a: unknown[]) => args.push(a));
    await expect.poll(() => args.length).toBe(1);
    expect(args[0]).toEqual(['hello', { n: 1 }]);
  });

  it('answers a call through the service and refuses bad arguments before any work', async () => {
    const { bridge, demo } = electronApp();
    expect(await bridge.invoke('add', [2, 3])).toEqual({ ok: true, value: 5 });
    expect(await bridge.invoke('add', ['2', 3])).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENTS', message: 'Invalid arguments for add.' },
    });
    expect(await bridge.invoke('add', [1])).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENTS' },
    });
    expect(await bridge.invoke('rm', ['-rf'])).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_METHOD' },
    });
    expect(await bridge.invoke('boom', [])).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'it broke' },
    });
    expect(demo.done).toEqual([[2, 3]]);
  });

  it('refuses a call that names no method, and one IPC cannot carry', async () => {
    const { contents, bridge, demo } = electronApp();
    const raw = await contents.ipcRenderer.invoke(bridgeChannels('demo').call, 42, [1, 2]);
    expect(raw).toMatchObject({ ok: false, error: { code: 'INVALID_CALL' } });
    expect(await bridge.invoke('add', [() => 1, 2])).toMatchObject({ ok: false, error: { code: 'OFFLINE' } });
    expect(demo.done).toEqual([]);
  });

  it('brings pushes to subscribers, the early ones to the first, until they unsubscribe', async () => {
    const { bridge, demo } = electronApp();
    await expect.poll(() => demo.subscribers()).toBe(1);
    demo.pushAll('state', { phase: 'login' });
    // A round trip: the pushes sent before it have reached the page by its reply.
    await bridge.invoke('add', [0, 0]);
    const first: unknown[] = [];
    const second: unknown[] = [];
    // The hello push and the state both came before anyone listened: the first listener gets them.
    bridge.subscribe((event, payload) => first.push([event, payload]));
    expect(first).toEqual([
      ['hello', { n: 1 }],
      ['state', { phase: 'login' }],
    ]);
    const stopSecond = bridge.subscribe((event, payload) => second.push([event, payload]));
    demo.pushAll('state', { phase: 'exam' });
    await expect.poll(() => second.length).toBe(1);
    expect(first.at(-1)).toEqual(['state', { phase: 'exam' }]);
    stopSecond();
    demo.pushAll('state', { phase: 'ended' });
    await expect.poll(() => first.length).toBe(4);
    expect(second).toEqual([['state', { phase: 'exam' }]]);
  });

  it('answers only the main frame of its own window showing the app', async () => {
    const { ipcMain, contents, demo } = electronApp();
    const call = bridgeChannels('demo').call;
    const forbidden = { ok: false, error: { code: 'FORBIDDEN' } };
    // Another window, even one showing the app's page.
    const other = new StandInWebContents(ipcMain, APP);
    expect(await other.ipcRenderer.invoke(call, 'add', [1, 1])).toMatchObject(forbidden);
    // A subframe of the app's window.
    expect(await contents.subframe(ipcMain, APP).invoke(call, 'add', [1, 1])).toMatchObject(forbidden);
    // The app's own window after it was led to another page.
    contents.mainFrame.url = 'https://evil.test/';
    expect(await contents.ipcRenderer.invoke(call, 'add', [1, 1])).toMatchObject(forbidden);
    expect(demo.done).toEqual([]);
    // None of them gets pushes by saying hello.
    await expect.poll(() => demo.subscriptions()).toBe(1);
    const seen: unknown[] = [];
    other.ipcRenderer.on(bridgeChannels('demo').push, (_e, ...a) => seen.push(a));
    other.ipcRenderer.send(bridgeChannels('demo').hello);
    contents.ipcRenderer.send(bridgeChannels('demo').hello);
    // A round trip after the hellos: main has seen them by its reply.
    await other.ipcRenderer.invoke(call, 'add', [1, 1]);
    demo.pushAll('state', { secret: true });
    await other.ipcRenderer.invoke(call, 'add', [1, 1]);
    expect(demo.subscriptions()).toBe(1);
    expect(seen).toEqual([]);
    contents.mainFrame.url = APP;
    expect(await contents.ipcRenderer.invoke(call, 'add', [1, 1])).toEqual({ ok: true, value: 2 });
  });

  it('starts pushes over on a reload, stops them with the window, and unbinds completely', async () => {
    const { ipcMain, contents, demo, unbind } = electronApp();
    await expect.poll(() => demo.subscribers()).toBe(1);
    // The page reloads: its new preload says hello again; still one subscription.
    const reloaded = exposeBridge(new StandInContextBridge(), contents.ipcRenderer, 'demo');
    const seen: unknown[] = [];
    reloaded.subscribe((event) => seen.push(event));
    await expect.poll(() => seen).toContain('hello');
    expect(demo.subscribers()).toBe(1);
    contents.destroy();
    expect(demo.subscribers()).toBe(0);
    unbind();
    expect(ipcMain.handlers.size).toBe(0);
    expect([...ipcMain.listeners.values()].every((set) => set.size === 0)).toBe(true);
    expect(await reloaded.invoke('add', [1, 2])).toMatchObject({ ok: false, error: { code: 'OFFLINE' } });
  });

  it('gives the renderer the same replies and pushes as the web host does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shell-ipc-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    const webDemo = demoService();
    web = await startWebHost({ service: webDemo.service, rendererDir: dir });
    const page = new URL(web.url);
    const origin = web.origin;
    const inBrowser = connectBridge(
      { host: page.host, hash: page.hash },
      (url) => new WebSocket(url, { origin }) as unknown as SocketLike,
    );
    const inElectron = electronApp().bridge;
    expect(inBrowser.mode).toBe('web');
    expect(Object.keys(inBrowser).sort()).toEqual(Object.keys(inElectron).sort());
    for (const [method, args] of [
      ['add', [2, 3]],
      ['add', ['x']],
      ['nope', []],
      ['boom', []],
    ] as const) {
      expect(await inBrowser.invoke(method, args)).toEqual(await inElectron.invoke(method, args));
    }
    const pushes = (bridge: ShellBridge) => {
      const seen: unknown[] = [];
      bridge.subscribe((event, payload) => seen.push([event, payload]));
      return seen;
    };
    const fromBrowser = pushes(inBrowser);
    const fromElectron = pushes(inElectron);
    await expect.poll(() => [fromBrowser.length, fromElectron.length]).toEqual([1, 1]);
    expect(fromBrowser).toEqual(fromElectron);
  });
});
