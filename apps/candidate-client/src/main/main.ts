import { join } from 'node:path';
import { isDevelopment, lockDownApp, lockDownSession } from '@exam/shell/window';
import { app, ipcMain, screen, session } from 'electron';
import { CandidateHost } from '../host/candidateHost.js';
import { registerAppScheme, serveRenderer } from './appProtocol.js';
import { watchDisplays } from './displays.js';
import { forwardPushes, registerBridgeIpc } from './ipc.js';
import { isAppUrl } from './kioskPolicy.js';
import { createKioskWindow } from './kioskWindow.js';
import { loadMachineConfig } from './machineConfig.js';

/**
 * Electron main: thin. The logic is in the host (shared with web mode) and in the small
 * electron-free modules beside this file; here they are only wired to Electron's objects.
 * Built by `src/build/buildElectron.ts` into dist/electron/main.cjs.
 */
const development = isDevelopment(process.env, app.isPackaged);

registerAppScheme();
// No new windows, navigation or webviews anywhere (the shell's lock-down, as the console's).
lockDownApp(app);

if (!app.requestSingleInstanceLock()) {
  // A second copy would open a second journal writer on the same file: refuse to start.
  app.quit();
} else {
  void app.whenReady().then(start);
}

function start(): void {
  const dataDir = app.getPath('userData');
  const config = loadMachineConfig(process.env, dataDir);
  const host = new CandidateHost({
    core: {
      serverUrl: config.serverUrl,
      journalPath: join(dataDir, 'answers.db'),
      roomId: config.roomId,
      seatNo: config.seatNo,
      machineId: config.machineId,
      clientVersion: app.getVersion(),
    },
  });
  lockDownSession(session.defaultSession);
  serveRenderer(join(app.getAppPath(), 'dist', 'renderer'));
  const win = createKioskWindow(host, {
    preloadPath: join(app.getAppPath(), 'dist', 'electron', 'preload.cjs'),
    development,
  });
  registerBridgeIpc(ipcMain, host, isAppUrl);
  forwardPushes(host, (channel, payload) => {
    if (!win.isDestroyed()) win.webContents.send(channel, payload);
  });
  watchDisplays(screen, host);
  app.on('second-instance', () => win.focus());
  app.on('before-quit', (e) => {
    if (!host.sittingInProgress()) return;
    e.preventDefault();
    host.queueAlert({ kind: 'close-attempt', detail: 'quit refused during a sitting' });
  });
  app.on('will-quit', () => host.close());
}
