import { bindBridge, type IpcMainLike, type WebContentsLike } from '@exam/shell/ipcBridge';
import { candidateBridgeService } from '../host/bridgeService.js';
import type { CandidateHost } from '../host/candidateHost.js';
import { BRIDGE_METHODS, BRIDGE_NAME, type BridgeMethod } from '../shared/bridge.js';
import { isAppUrl } from './kioskPolicy.js';

/** Electron measures the screen in main; the renderer's own report is not taken there. */
export const ELECTRON_METHODS: readonly BridgeMethod[] = Object.freeze(
  BRIDGE_METHODS.filter((m) => m !== 'reportScreen'),
);

/**
 * Serves the host to the kiosk window over IPC: the shell's binding (the app's own page in
 * that window only), the same service and call schemas as web mode, minus the screen report.
 * Returns the function that unbinds it.
 */
export function bindCandidateBridge(
  ipcMain: IpcMainLike,
  contents: WebContentsLike,
  host: CandidateHost,
): () => void {
  return bindBridge(ipcMain, contents, candidateBridgeService(host, ELECTRON_METHODS), {
    name: BRIDGE_NAME,
    isTrustedUrl: isAppUrl,
  });
}
