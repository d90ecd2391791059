import { startWebHost as startBridgeHost, type WebHost } from '@exam/shell/webHost';
import { proctorBridgeService } from './bridgeService.js';
import type { ProctorHost } from './proctorHost.js';

export type { WebHost };

/**
 * Web mode: the built renderer and the same bridge the preload gives Electron, served on
 * loopback only by the shell's web host. The bridge needs a per-start token (from the URL
 * fragment, which never reaches a server log) and a same-origin page, so another local
 * page cannot drive the room.
 */
export function startWebHost(opts: {
  host: ProctorHost;
  rendererDir: string;
  port?: number;
}): Promise<WebHost> {
  return startBridgeHost({
    rendererDir: opts.rendererDir,
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    service: proctorBridgeService(opts.host),
  });
}
