import { dispatchCall } from '../host/callSchemas.js';
import type { CandidateHost } from '../host/candidateHost.js';
import { BRIDGE_METHODS, type BridgeMethod, type BridgePushes } from '../shared/bridge.js';
import { callChannel, pushChannel } from '../shared/channels.js';

/** The part of Electron's ipcMain used here. */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => unknown,
  ): void;
  removeHandler(channel: string): void;
}

/** Electron measures the screen in main; the renderer's own report is not taken there. */
export const ELECTRON_METHODS: readonly BridgeMethod[] = Object.freeze(
  BRIDGE_METHODS.filter((m) => m !== 'reportScreen'),
);

/**
 * Serves the bridge over IPC: one handler per call, arguments parsed by the same schemas
 * as the web host, and only for frames showing the app itself.
 */
export function registerBridgeIpc(
  ipc: IpcMainLike,
  host: CandidateHost,
  isTrustedUrl: (url: string | undefined) => boolean,
): () => void {
  for (const method of ELECTRON_METHODS) {
    ipc.handle(callChannel(method), (event, ...args) => {
      if (!isTrustedUrl(event.senderFrame?.url)) throw new Error('Bridge calls are for the app only.');
      return dispatchCall(host, method, args, ELECTRON_METHODS);
    });
  }
  return () => {
    for (const method of ELECTRON_METHODS) ipc.removeHandler(callChannel(method));
  };
}

/** Forwards the host's pushes to the window. */
export function forwardPushes(
  host: CandidateHost,
  send: (channel: string, payload: BridgePushes[keyof BridgePushes]) => void,
): () => void {
  return host.subscribe((event, payload) => send(pushChannel(event), payload));
}
