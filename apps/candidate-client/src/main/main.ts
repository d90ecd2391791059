import { join } from 'node:path';
import { lockDownSession } from '@exam/shell/permissions';
import { isDevelopment, lockDownApp } from '@exam/shell/window';
import { app, dialog, ipcMain, screen, session } from 'electron';
import { CandidateHost } from '../host/candidateHost.js';
import { registerAppScheme, serveRenderer } from './appProtocol.js';
import { watchDisplays } from './displays.js';
import { bindCandidateBridge } from './ipc.js';
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
  void app
    .whenReady()
    .then(start)
    .catch((e: unknown) => {
      // A damaged machine key (MachineKeyError) or a machine not set up: say so and stop,
      // rather than start as a new, unapproved machine. The message names no key material.
      dialog.showErrorBox('考试机无法启动 / The test machine cannot start', (e as Error).message);
      app.exit(1);
    });
}

function start(): void {
  const dataDir = app.getPath('userData');
  const config = loadMachineConfig(process.env, dataDir);
  const host = new CandidateHost({
    core: {
      serverUrl: config.serverUrl,
      trust: config.trust,
      journalPath: join(dataDir, 'answers.db'),
      // The machine key (its identity) is made beside the journal at the first start.
      roomId: config.roomId,
      seatNo: config.seatNo,
      clientVersion: app.getVersion(),
    },
  });
  lockDownSession(session.defaultSession);
  serveRenderer(join(app.getAppPath(), 'dist', 'renderer'));
  const win = createKioskWindow(host, {
    preloadPath: join(app.getAppPath(), 'dist', 'electron', 'preload.cjs'),
    development,
  });
  // Bound in the same turn as the window is made, before its page can send a first message.
  bindCandidateBridge(ipcMain, win.webContents, host);
  watchDisplays(screen, host);
  app.on('second-instance', () => win.focus());
  app.on('before-quit', (e) => {
    if (!host.sittingInProgress()) return;
    e.preventDefault();
    host.queueAlert({ kind: 'close-attempt', detail: 'quit refused during a sitting' });
  });
  app.on('will-quit', () => host.close());
}
