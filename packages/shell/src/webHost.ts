import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { answerCall, type BridgeService } from './bridge.js';
import { BRIDGE_PATH, type BridgeServerMessage, bridgePageUrl, parseCall } from './bridgeWire.js';
import { contentSecurityPolicy } from './csp.js';
import { readStatic } from './staticFiles.js';

const LOOPBACK = '127.0.0.1';

/** The same service Electron's IPC binding serves (`ipcBridge.ts`). */
export type { BridgeService };

export interface WebHost {
  /** Open this in a browser: the page address with the bridge token in its fragment. */
  url: string;
  /** `http://127.0.0.1:PORT`, the only origin whose pages may open the bridge. */
  origin: string;
  /** This start's bridge token. */
  token: string;
  close(): Promise<void>;
}

/**
 * Web mode: a built renderer over HTTP and its bridge over a websocket, on loopback only.
 * The bridge opens only with this start's random token (from the page URL's fragment) and
 * from a page of the host's own origin, so neither another local page nor another local
 * program that guesses the port can drive the app.
 */
export async function startWebHost(opts: {
  service: BridgeService;
  rendererDir: string;
  port?: number;
  /** Only for a restart that must keep the page's address (tests); normally random. */
  token?: string;
}): Promise<WebHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  let origin = '';
  const http = createServer((req, res) => {
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    const csp = contentSecurityPolicy({ webHostOrigin: origin });
    void readStatic(opts.rendererDir, req.url ?? '/', csp).then((file) => {
      if (!file) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      else res.writeHead(200, file.headers).end(file.body);
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = refuseUpgrade(req, origin, token);
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const send = (m: BridgeServerMessage) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
      };
      const unsubscribe = opts.service.subscribe((event, payload) => send({ type: 'push', event, payload }));
      ws.on('close', unsubscribe);
      ws.on('message', (data) => {
        const call = parseCall(String(data));
        if (!call) {
          ws.close(1003, 'not a bridge call');
          return;
        }
        void answerCall(opts.service, call.method, call.args).then((reply) =>
          send({ type: 'reply', id: call.id, ...reply }),
        );
      });
    });
  });
  await new Promise<void>((resolve) => http.listen(opts.port ?? 0, LOOPBACK, resolve));
  origin = `http://${LOOPBACK}:${(http.address() as AddressInfo).port}`;
  return {
    url: bridgePageUrl(origin, token),
    origin,
    token,
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** Why a websocket upgrade is refused (an HTTP status line), or null to accept it. */
function refuseUpgrade(req: IncomingMessage, origin: string, token: string): string | null {
  const url = new URL(req.url ?? '/', origin);
  if (url.pathname !== BRIDGE_PATH) return '404 Not Found';
  if (req.headers.origin !== origin || !sameToken(url.searchParams.get('token') ?? '', token))
    return '401 Unauthorized';
  return null;
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
