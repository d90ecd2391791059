import { exposeBridge } from '@exam/shell/ipcBridge';
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_NAME } from '../shared/api.js';

/**
 * The one object the renderer gets, `window.proctor` (the shell's bridge: `invoke`,
 * `subscribe`), never ipcRenderer itself. Sandboxed preloads are CommonJS, so this file is
 * bundled to `preload/index.cjs` with only `electron` left to require (see build.electron.ts).
 */
exposeBridge(contextBridge, ipcRenderer, BRIDGE_NAME);
