import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { BridgePushes } from '../shared/bridge.js';
import { WEB_BRIDGE_PATH, type WebServerMessage } from '../shared/channels.js';
import { contentSecurityPolicy } from '../shared/csp.js';
import { BridgeCallError, dispatchCall } from './callSchemas.js';
import type { CandidateHost } from './candidateHost.js';
import { readStatic } from './staticFiles.js';

export interface WebHost {
  url: string;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

/**
 * Web mode: the built renderer over plain HTTP and the bridge over a websocket, on
 * loopback only. Tests and development drive the real renderer and the real host this
 * way; a kiosk uses Electron's IPC instead. Anything from another origin is refused.
 */
export async function startWebHost(opts: {
  host: CandidateHost;
  rendererDir: string;
  port?: number;
}): Promise<WebHost> {
  const { host, rendererDir } = opts;
  let origin = '';
  const http = createServer((req, res) => {
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    void readStatic(rendererDir, req.url ?? '/').then((file) => {
      if (!file) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, {
        'content-type': file.type,
        'content-security-policy': contentSecurityPolicy([origin.replace(/^http/, 'ws')]),
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
      });
      res.end(file.body);
    });
  });
  const wss = new WebSocketServer({
    server: http,
    path: WEB_BRIDGE_PATH,
    maxPayload: 256 * 1024,
    verifyClient: ({ req }: { req: IncomingMessage }) => req.headers.origin === origin,
  });
  wss.on('connection', (ws) => {
    const send = (m: WebServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
    };
    const unsubscribe = host.subscribe(<E extends keyof BridgePushes>(event: E, payload: BridgePushes[E]) =>
      send({ type: 'push', event, payload }),
    );
    ws.on('close', unsubscribe);
    ws.on('message', (data) => {
      let msg: { id?: unknown; method?: unknown; args?: unknown };
      try {
        msg = JSON.parse(String(data)) as typeof msg;
      } catch {
        ws.close(1003, 'not JSON');
        return;
      }
      const id = typeof msg.id === 'number' ? msg.id : -1;
      dispatchCall(host, msg.method, msg.args).then(
        (value) => send({ type: 'reply', id, value: value ?? null }),
        (e: unknown) =>
          send({
            type: 'reply',
            id,
            error: {
              code: e instanceof BridgeCallError ? e.code : 'INTERNAL',
              message: e instanceof Error ? e.message : String(e),
            },
          }),
      );
    });
  });
  await new Promise<void>((resolve) => http.listen(opts.port ?? 0, LOOPBACK, resolve));
  const { port } = http.address() as AddressInfo;
  origin = `http://${LOOPBACK}:${port}`;
  return {
    url: origin,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
