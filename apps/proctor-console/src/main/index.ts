import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, shell } from 'electron';
import { ProctorHost } from '../host/proctorHost.js';
import { registerIpc } from './ipc.js';
import { createSecureWindow, lockDownSession } from './secureWindow.js';

/**
 * Electron main: thin. It makes the locked-down window and hands everything else to the
 * host (which owns the ProctorCore and its key). `--server URL` presets the sign-in form.
 */
const dev = !app.isPackaged && process.env.EXAM_DEV === '1';
const serverArg = process.argv.find((a) => a.startsWith('--server='))?.slice('--server='.length);
let window: BrowserWindow | null = null;

const host = new ProctorHost({
  serverUrl: serverArg ?? 'http://127.0.0.1:8443',
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
void app.whenReady().then(async () => {
  lockDownSession();
  registerIpc(ipcMain, host, () => window?.webContents ?? null);
  window = createSecureWindow({
    preload: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
    dev,
  });
  window.on('closed', () => {
    window = null;
  });
  await window.loadFile(fileURLToPath(new URL('../renderer/index.html', import.meta.url)));
});

app.on('window-all-closed', () => {
  host.close();
  app.quit();
});

// A second window never opens; a second instance focuses the first.
if (!app.requestSingleInstanceLock()) app.quit();
app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
