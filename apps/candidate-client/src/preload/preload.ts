import { exposeBridge } from '@exam/shell/ipcBridge';
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_NAME } from '../shared/bridge.js';

/**
 * Exposes exactly one object, `window.candidate` (the shell's bridge: `invoke`, `subscribe`),
 * never ipcRenderer itself; main parses every call. Bundled to CommonJS with only
 * `electron` left to require, as a sandboxed preload must be.
 */
exposeBridge(contextBridge, ipcRenderer, BRIDGE_NAME);
