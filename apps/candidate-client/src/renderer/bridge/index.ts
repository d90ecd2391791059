import type { ShellBridge } from '@exam/shell/bridge';
import { connectBridge } from '@exam/shell/bridgeClient';
import type { CandidateBridge } from '../../shared/bridge.js';
import { candidateBridge } from './candidateBridge.js';

declare global {
  interface Window {
    /** The shell's bridge: set by Electron's preload; in a plain browser installed here. */
    candidate?: ShellBridge;
  }
}

/**
 * The one bridge the renderer talks to: Electron's preload object, or the web host's
 * socket (the same shape, also left on `window.candidate`), behind the typed wrapper.
 */
export function installBridge(): { bridge: CandidateBridge; web: boolean } {
  const shell = window.candidate ?? connectBridge(location);
  window.candidate ??= shell;
  return { bridge: candidateBridge(shell), web: shell.mode === 'web' };
}
