import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer } from 'ws';
import { rendererCsp } from '../shared/csp.js';
import type { ProctorHost } from './proctorHost.js';

export interface WebHost {
  /** Open this in a browser: it carries the bridge token in the fragment. */
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/**
 * Web mode: the built renderer and the same bridge the preload gives Electron, served on
 * loopback only. The bridge needs a per-start token (from the URL fragment, which never
 * reaches a server log) and a same-origin page, so another local page cannot drive the room.
 */
export async function startWebHost(opts: {
  host: ProctorHost;
  rendererDir: string;
  port?: number;
}): Promise<WebHost> {
  const token = randomBytes(24).toString('base64url');
  const root = normalize(opts.rendererDir);
  const server = createServer((req, res) => void serveStatic(root, req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    if (
      url.pathname !== '/bridge' ||
      url.searchParams.get('token') !== token ||
      req.headers.origin !== origin
    ) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const unsubscribe = opts.host.subscribe((push) => ws.send(JSON.stringify({ push })));
      ws.on('close', unsubscribe);
      ws.on('message', (data) => {
        let msg: { id?: unknown; name?: unknown; args?: unknown };
        try {
          msg = JSON.parse(String(data));
        } catch {
          return;
        }
        if (typeof msg.id !== 'number' || typeof msg.name !== 'string') return;
        const id = msg.id;
        void opts.host.invoke(msg.name, msg.args).then((result) => ws.send(JSON.stringify({ id, result })));
      });
    });
  });

  return {
    url: `${origin}/#token=${token}`,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const file = normalize(join(root, path === '/' ? 'index.html' : decodeURIComponent(path)));
  if (req.method !== 'GET' || (file !== root && !file.startsWith(root + sep))) {
    res.writeHead(404).end();
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': rendererCsp(),
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
}
