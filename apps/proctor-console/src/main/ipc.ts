import { isAppUrl } from '@exam/shell/appProtocol';
import { bindBridge, type IpcMainLike, type WebContentsLike } from '@exam/shell/ipcBridge';
import { proctorBridgeService } from '../host/bridgeService.js';
import type { ProctorHost } from '../host/proctorHost.js';
import { BRIDGE_NAME } from '../shared/api.js';

/** The console's app:// host name: its pages are app://console/…. */
export const APP_NAME = 'console';

/**
 * The bridge's main side: the shell's IPC binding with the same service as web mode. Only
 * the console window's own page (app://console/, main frame) is answered or gets pushes.
 * Returns the function that unbinds it.
 */
export function bindProctorBridge(
  ipcMain: IpcMainLike,
  contents: WebContentsLike,
  host: ProctorHost,
): () => void {
  return bindBridge(ipcMain, contents, proctorBridgeService(host), {
    name: BRIDGE_NAME,
    isTrustedUrl: (url) => isAppUrl(APP_NAME, url),
  });
}
