import { startWebHost as startBridgeHost, type WebHost } from '@exam/shell/webHost';
import { candidateBridgeService } from './bridgeService.js';
import type { CandidateHost } from './candidateHost.js';

export type { WebHost };

/**
 * Web mode: the built renderer over plain HTTP and the bridge over a websocket, on
 * loopback only (the shell's web host: this start's token and the page's own origin, or
 * no bridge). Tests and development drive the real renderer and the real host this way;
 * a kiosk uses Electron's IPC instead, with the same service (`bridgeService.ts`).
 */
export function startWebHost(opts: {
  host: CandidateHost;
  rendererDir: string;
  port?: number;
  /** Keeps the page's address across a restart (tests); a new random one otherwise. */
  token?: string;
}): Promise<WebHost> {
  return startBridgeHost({
    rendererDir: opts.rendererDir,
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.token !== undefined ? { token: opts.token } : {}),
    service: candidateBridgeService(opts.host),
  });
}
