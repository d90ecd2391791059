import type { BridgeMethod, BridgePushes } from './bridge.js';

/** Electron IPC channel names: one per call, one per push. */
export const callChannel = (method: BridgeMethod): string => `candidate:call:${method}`;
export const pushChannel = (event: keyof BridgePushes): string => `candidate:push:${event}`;
