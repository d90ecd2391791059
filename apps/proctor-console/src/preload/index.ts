import { contextBridge, ipcRenderer } from 'electron';
import type { CommandName, HostPush, HostResult, ProctorApi } from '../shared/api.js';
import { IPC } from '../shared/api.js';

/**
 * The one object the renderer gets (`window.proctor`): commands and a push subscription,
 * never ipcRenderer itself. Sandboxed preloads are CommonJS, so this file is bundled to
 * `preload/index.cjs` (see build.electron.ts).
 */
const api: ProctorApi = {
  mode: 'electron',
  invoke: (name: CommandName, args: unknown) =>
    ipcRenderer.invoke(IPC.invoke, name, args) as Promise<HostResult<never>>,
  subscribe(listener: (push: HostPush) => void) {
    const handler = (_event: unknown, push: HostPush) => listener(push);
    ipcRenderer.on(IPC.push, handler);
    ipcRenderer.send(IPC.hello);
    return () => {
      ipcRenderer.removeListener(IPC.push, handler);
    };
  },
};

contextBridge.exposeInMainWorld('proctor', api);

export type PreloadApi = typeof api;
