import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appOrigin, registerAppScheme, serveApp } from '@exam/shell/appProtocol';
import { lockDownSession } from '@exam/shell/permissions';
import { isDevelopment, lockDownApp } from '@exam/shell/window';
import { app, BrowserWindow, dialog, ipcMain, protocol, session, shell } from 'electron';
import { ProctorHost } from '../host/proctorHost.js';
import { APP_NAME, bindProctorBridge } from './ipc.js';
import { createSecureWindow } from './secureWindow.js';

/**
 * Electron main: thin. It makes the locked-down window and hands everything else to the
 * host (which owns the ProctorCore and its key). `--server URL` presets the sign-in form.
 * The renderer loads from app://console/ (the shell's protocol: its own origin, the CSP
 * as a header), never file://.
 */
const dev = isDevelopment(process.env, app.isPackaged);
const serverArg = process.argv.find((a) => a.startsWith('--server='))?.slice('--server='.length);
let window: BrowserWindow | null = null;

const host = new ProctorHost({
  serverUrl: serverArg ?? 'https://127.0.0.1:8443',
  // The replica, reports and backups stay on this machine, outside the app bundle.
  dataDir: join(app.getPath('userData'), 'room-data'),
  chooseKeyFile: async () => {
    const options = {
      title: '选择监考锁文件',
      properties: ['openFile' as const],
      filters: [{ name: 'PKCS#12', extensions: ['p12', 'pfx'] }],
    };
    const r = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return r.canceled ? null : (r.filePaths[0] ?? null);
  },
  // The host lets only files it saved through; the system's PDF reader prints the report.
  openSaved: async (path, how) => {
    if (how === 'reveal') return shell.showItemInFolder(path);
    const failure = await shell.openPath(path);
    if (failure) throw new Error(failure);
  },
});

app.enableSandbox();
registerAppScheme(protocol);
lockDownApp(app);
void app.whenReady().then(async () => {
  lockDownSession(session.defaultSession);
  serveApp(protocol, APP_NAME, fileURLToPath(new URL('../renderer/', import.meta.url)));
  window = createSecureWindow({
    preload: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
    dev,
  });
  // Bound before the page loads, so its preload's first message finds the handlers.
  bindProctorBridge(ipcMain, window.webContents, host);
  window.on('closed', () => {
    window = null;
  });
  await window.loadURL(`${appOrigin(APP_NAME)}/index.html`);
});

app.on('window-all-closed', () => {
  host.close();
  app.quit();
});

// A second window never opens; a second instance focuses the first.
if (!app.requestSingleInstanceLock()) app.quit();
app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
