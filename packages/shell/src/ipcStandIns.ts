import type {
  ContextBridgeLike,
  IpcMainLike,
  IpcRendererLike,
  IpcSenderEvent,
  WebContentsLike,
} from './ipcBridge.js';

/**
 * Stand-ins for Electron's ipcMain, webContents, ipcRenderer and contextBridge, for tests
 * of the IPC bridge under Node (Electron's binary is the one thing tests may not run). They
 * keep what the bridge relies on: messages are copied (structured clone) and arrive later,
 * `invoke` without a handler rejects, a push reaches the main frame only, each renderer
 * event carries the ipcRenderer as its `sender`, a key can be exposed once.
 */

type Handler = (event: IpcSenderEvent, ...args: unknown[]) => unknown;
type Listener = (event: IpcSenderEvent, ...args: unknown[]) => void;

const later = () => new Promise<void>((resolve) => setImmediate(resolve));

export class StandInIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Handler>();
  readonly listeners = new Map<string, Set<Listener>>();

  handle(channel: string, listener: Handler): void {
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  on(channel: string, listener: Listener): this {
    const set = this.listeners.get(channel) ?? new Set();
    set.add(listener);
    this.listeners.set(channel, set);
    return this;
  }
  removeListener(channel: string, listener: Listener): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }
}

/** A frame: the page it shows can change (navigation). */
export interface StandInFrame {
  url: string;
}

export class StandInIpcRenderer implements IpcRendererLike {
  private readonly listeners = new Map<string, Set<(ipcEvent: unknown, ...args: unknown[]) => void>>();

  constructor(
    private readonly ipcMain: StandInIpcMain,
    private readonly contents: StandInWebContents,
    readonly frame: StandInFrame,
  ) {}

  private event(): IpcSenderEvent {
    return { sender: this.contents, senderFrame: this.frame };
  }

  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    const copied = structuredClone(args);
    await later();
    const handler = this.ipcMain.handlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': No handler registered`);
    return structuredClone(await handler(this.event(), ...copied));
  }
  on(channel: string, listener: (ipcEvent: unknown, ...args: unknown[]) => void): this {
    const set = this.listeners.get(channel) ?? new Set();
    set.add(listener);
    this.listeners.set(channel, set);
    return this;
  }
  send(channel: string, ...args: unknown[]): void {
    const copied = structuredClone(args);
    void later().then(() => {
      for (const fn of this.ipcMain.listeners.get(channel) ?? []) fn(this.event(), ...copied);
    });
  }
  /** Main's `webContents.send` arriving here. */
  receive(channel: string, args: unknown[]): void {
    for (const fn of this.listeners.get(channel) ?? []) fn({ sender: this }, ...args);
  }
}

export class StandInWebContents implements WebContentsLike {
  readonly mainFrame: StandInFrame;
  /** The page's side: the preload of the main frame talks through it. */
  readonly ipcRenderer: StandInIpcRenderer;
  private destroyed = false;
  private readonly onDestroyed: Array<() => void> = [];

  constructor(ipcMain: StandInIpcMain, url: string) {
    this.mainFrame = { url };
    this.ipcRenderer = new StandInIpcRenderer(ipcMain, this, this.mainFrame);
  }

  /** An ipcRenderer in a subframe of this window (an iframe), showing `url`. */
  subframe(ipcMain: StandInIpcMain, url: string): StandInIpcRenderer {
    return new StandInIpcRenderer(ipcMain, this, { url });
  }
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    const copied = structuredClone(args);
    void later().then(() => this.ipcRenderer.receive(channel, copied));
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  once(_event: 'destroyed', listener: () => void): this {
    this.onDestroyed.push(listener);
    return this;
  }
  destroy(): void {
    this.destroyed = true;
    for (const fn of this.onDestroyed.splice(0)) fn();
  }
}

export class StandInContextBridge implements ContextBridgeLike {
  /** What the page's world got, by key. */
  readonly exposed = new Map<string, unknown>();

  exposeInMainWorld(key: string, api: unknown): void {
    if (this.exposed.has(key))
      throw new Error(`Cannot bind an API on top of an existing property on the window object`);
    this.exposed.set(key, api);
  }
}
