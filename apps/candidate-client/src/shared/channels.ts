import type { BridgeMethod, BridgePushes } from './bridge.js';
import type { BridgeError } from './result.js';

/** Electron IPC channel names: one per call, one per push. */
export const callChannel = (method: BridgeMethod): string => `candidate:call:${method}`;
export const pushChannel = (event: keyof BridgePushes): string => `candidate:push:${event}`;

/** The web host's websocket path and its message shapes (JSON). */
export const WEB_BRIDGE_PATH = '/bridge';

export interface WebCallMessage {
  type: 'call';
  id: number;
  method: string;
  args: unknown[];
}

export type WebServerMessage =
  | { type: 'reply'; id: number; value: unknown }
  | { type: 'reply'; id: number; error: BridgeError }
  | { type: 'push'; event: keyof BridgePushes; payload: unknown };
