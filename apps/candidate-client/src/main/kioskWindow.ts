import { BrowserWindow } from 'electron';
import type { CandidateHost } from '../host/candidateHost.js';
import { APP_ENTRY, blockedShortcut, kioskWindowOptions, mayClose } from './kioskPolicy.js';

/**
 * Creates the candidate's one window and applies the kiosk policy to it. Suspicious things
 * the window sees (focus lost, close attempts, blocked shortcuts) go to the proctor as
 * alerts; none of them is a violation by itself.
 */
export function createKioskWindow(host: CandidateHost, opts: { preloadPath: string; development: boolean }) {
  const win = new BrowserWindow(kioskWindowOptions(opts));
  // Keeps the paper out of screen captures and remote-viewing tools where the OS allows it.
  win.setContentProtection(true);
  if (!opts.development) win.setAlwaysOnTop(true, 'screen-saver');
  win.once('ready-to-show', () => win.show());
  win.on('blur', () => host.queueAlert({ kind: 'focus-lost', detail: 'kiosk window lost focus' }));
  win.on('close', (e) => {
    if (mayClose(host.sittingInProgress())) return;
    e.preventDefault();
    host.queueAlert({ kind: 'close-attempt', detail: 'window close refused during a sitting' });
  });
  win.webContents.on('before-input-event', (e, input) => {
    const shortcut = blockedShortcut(input);
    if (!shortcut) return;
    e.preventDefault();
    host.queueAlert({ kind: 'shortcut-blocked', detail: shortcut });
  });
  void win.loadURL(APP_ENTRY);
  return win;
}
