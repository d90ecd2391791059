import { isAppUrl } from '@exam/shell/appProtocol';
import type { IpcMain, WebContents } from 'electron';
import type { ProctorHost } from '../host/proctorHost.js';
import { COMMAND_NAMES, IPC } from '../shared/api.js';

/** The console's app:// host name: its pages are app://console/…. */
export const APP_NAME = 'console';

/**
 * The bridge's main side: commands from the one window go to the host (which parses their
 * arguments), pushes go back on one channel. Messages from any other frame, or from a page
 * that is not the app's own, are refused.
 */
export function registerIpc(ipcMain: IpcMain, host: ProctorHost, window: () => WebContents | null): void {
  const fromOurWindow = (sender: WebContents) => sender === window();
  ipcMain.handle(IPC.invoke, async (event, name: unknown, args: unknown) => {
    if (
      !fromOurWindow(event.sender) ||
      event.senderFrame !== event.sender.mainFrame ||
      !isAppUrl(APP_NAME, event.senderFrame?.url)
    ) {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'Not the console window.' } };
    }
    if (typeof name !== 'string' || !(COMMAND_NAMES as readonly string[]).includes(name)) {
      return { ok: false, error: { code: 'UNKNOWN_COMMAND', message: 'Unknown command.' } };
    }
    return host.invoke(name, args);
  });
  let unsubscribe: (() => void) | null = null;
  ipcMain.on(IPC.hello, (event) => {
    if (!fromOurWindow(event.sender) || !isAppUrl(APP_NAME, event.senderFrame?.url)) return;
    unsubscribe?.();
    const target = event.sender;
    unsubscribe = host.subscribe((push) => {
      if (!target.isDestroyed()) target.send(IPC.push, push);
    });
    target.once('destroyed', () => unsubscribe?.());
  });
}
