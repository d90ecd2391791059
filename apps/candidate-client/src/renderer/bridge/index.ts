import type { CandidateBridge } from '../../shared/bridge.js';
import { createWebBridge } from './webBridge.js';

declare global {
  interface Window {
    /** Set by Electron's preload; in a plain browser the web bridge is installed instead. */
    candidate?: CandidateBridge;
  }
}

/** The one bridge the renderer talks to: Electron's preload object, or the web host's socket. */
export function installBridge(): { bridge: CandidateBridge; web: boolean } {
  if (window.candidate) return { bridge: window.candidate, web: false };
  const bridge = createWebBridge();
  window.candidate = bridge;
  return { bridge, web: true };
}
