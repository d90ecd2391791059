import { startWebHost as startBridgeHost, type WebHost } from '@exam/shell/webHost';
import type { ProctorHost } from './proctorHost.js';

export type { WebHost };

/** The one push event of the console's bridge: the host's pushes carry their own type. */
export const HOST_PUSH = 'host';

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
  const { host } = opts;
  return startBridgeHost({
    rendererDir: opts.rendererDir,
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    service: {
      call: (name, args) => host.invoke(name, args),
      subscribe: (push) => host.subscribe((p) => push(HOST_PUSH, p)),
    },
  });
}
