import { startWebHost as startBridgeHost, type WebHost } from '@exam/shell/webHost';
import type { BridgePushes } from '../shared/bridge.js';
import { BridgeCallError, dispatchCall } from './callSchemas.js';
import type { CandidateHost } from './candidateHost.js';

export type { WebHost };

/**
 * Web mode: the built renderer over plain HTTP and the bridge over a websocket, on
 * loopback only (the shell's web host: this start's token and the page's own origin, or
 * no bridge). Tests and development drive the real renderer and the real host this way;
 * a kiosk uses Electron's IPC instead. Calls are parsed by the same schemas as over IPC.
 */
export function startWebHost(opts: {
  host: CandidateHost;
  rendererDir: string;
  port?: number;
  /** Keeps the page's address across a restart (tests); a new random one otherwise. */
  token?: string;
}): Promise<WebHost> {
  const { host } = opts;
  return startBridgeHost({
    rendererDir: opts.rendererDir,
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.token !== undefined ? { token: opts.token } : {}),
    service: {
      call: (method, args) => dispatchCall(host, method, args),
      subscribe: (push) =>
        host.subscribe(<E extends keyof BridgePushes>(event: E, payload: BridgePushes[E]) =>
          push(event, payload),
        ),
    },
    errorCode: (e) => (e instanceof BridgeCallError ? e.code : 'INTERNAL'),
  });
}
