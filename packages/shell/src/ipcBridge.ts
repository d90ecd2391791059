import {
  answerCall,
  type BridgeError,
  type BridgeReply,
  type BridgeService,
  NOT_A_CALL,
  type PushListener,
  pushFanout,
  type ShellBridge,
} from './bridge.js';

/**
 * The bridge over Electron IPC, Electron-free: the preload passes `contextBridge` and
 * `ipcRenderer` in, main passes `ipcMain` and the window's `webContents`. The renderer gets
 * the same `ShellBridge` as from the web host, and main answers through the same
 * `BridgeService` (the app's call schemas), so the two modes differ only in the carrier.
 * Nothing here may import a Node module: the sandboxed preload bundles it.
 */

/** The three channels of the bridge exposed as `window[name]`. */
export function bridgeChannels(name: string): { call: string; push: string; hello: string } {
  return Object.freeze({
    call: `${name}:bridge:call`,
    push: `${name}:bridge:push`,
    hello: `${name}:bridge:hello`,
  });
}

/** The part of Electron's `contextBridge` used here. */
export interface ContextBridgeLike {
  exposeInMainWorld(key: string, api: unknown): void;
}

/** The part of Electron's `ipcRenderer` used here. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (ipcEvent: unknown, ...args: unknown[]) => void): unknown;
  send(channel: string, ...args: unknown[]): void;
}

/**
 * Preload: exposes exactly one object, `window[name]` (`{ mode, invoke, subscribe }`), never
 * ipcRenderer or its events, and asks main for this page's pushes.
 */
export function exposeBridge(
  contextBridge: ContextBridgeLike,
  ipcRenderer: IpcRendererLike,
  name: string,
): ShellBridge {
  const channels = bridgeChannels(name);
  const pushes = pushFanout();
  // The IPC event holds ipcRenderer itself (`event.sender`): it stays on this side.
  ipcRenderer.on(channels.push, (_ipcEvent, event, payload) => {
    if (typeof event === 'string') pushes.deliver(event, payload);
  });
  const bridge: ShellBridge = Object.freeze({
    mode: 'electron' as const,
    invoke: (method: string, args: unknown): Promise<BridgeReply> =>
      // Started inside a promise, so an argument IPC cannot copy rejects instead of throwing.
      Promise.resolve()
        .then(() => ipcRenderer.invoke(channels.call, method, args))
        .then(
          (reply) => reply as BridgeReply,
          // No handler in main, or arguments IPC cannot copy: the host is out of reach.
          (e: unknown): BridgeReply => ({
            ok: false,
            error: { code: 'OFFLINE', message: e instanceof Error ? e.message : String(e) },
          }),
        ),
    subscribe: (listener: PushListener) => pushes.subscribe(listener),
  });
  contextBridge.exposeInMainWorld(name, bridge);
  ipcRenderer.send(channels.hello);
  return bridge;
}

/** What main learns of a message's sender. */
export interface IpcSenderEvent {
  sender: unknown;
  senderFrame: { url: string } | null | undefined;
}

/** The part of Electron's `ipcMain` used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: IpcSenderEvent) => void): unknown;
  removeListener(channel: string, listener: (event: IpcSenderEvent) => void): unknown;
}

/** The part of Electron's `webContents` used here. */
export interface WebContentsLike {
  readonly mainFrame: unknown;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

export const NOT_THE_APP: BridgeError = Object.freeze({
  code: 'FORBIDDEN',
  message: 'Bridge calls are for the app window only.',
});

/**
 * Main: serves `service` to the app's page in `contents` over IPC. Only the main frame of
 * that one window, showing a page `isTrustedUrl` accepts, is answered (the IPC twin of the
 * web host's token and Origin check); anything else gets FORBIDDEN and no pushes. A page
 * (re)loading says hello and gets its pushes from then on, as a web page does on connecting.
 * Returns the function that unbinds it.
 */
export function bindBridge(
  ipcMain: IpcMainLike,
  contents: WebContentsLike,
  service: BridgeService,
  opts: { name: string; isTrustedUrl(url: string | undefined): boolean },
): () => void {
  const channels = bridgeChannels(opts.name);
  const fromApp = (e: IpcSenderEvent): boolean =>
    e.sender === contents &&
    e.senderFrame != null &&
    e.senderFrame === contents.mainFrame &&
    opts.isTrustedUrl(e.senderFrame.url);

  ipcMain.handle(channels.call, async (event, method, args): Promise<BridgeReply> => {
    if (!fromApp(event)) return { ok: false, error: NOT_THE_APP };
    if (typeof method !== 'string') return { ok: false, error: NOT_A_CALL };
    return answerCall(service, method, args);
  });

  let unsubscribe: (() => void) | null = null;
  const stopPushes = () => {
    unsubscribe?.();
    unsubscribe = null;
  };
  const hello = (event: IpcSenderEvent) => {
    if (!fromApp(event)) return;
    stopPushes();
    unsubscribe = service.subscribe((event, payload) => {
      if (!contents.isDestroyed()) contents.send(channels.push, event, payload);
    });
  };
  ipcMain.on(channels.hello, hello);
  contents.once('destroyed', stopPushes);

  return () => {
    ipcMain.removeHandler(channels.call);
    ipcMain.removeListener(channels.hello, hello);
    stopPushes();
  };
}
