import { type BridgeReply, pushFanout, type ShellBridge } from './bridge.js';
import { type BridgeServerMessage, bridgeSocketUrl, tokenFromHash } from './bridgeWire.js';

/** The part of the browser's WebSocket used here (a test passes Node's `ws`). */
export interface SocketLike {
  send(data: string): void;
  addEventListener(type: string, fn: (ev: { data: unknown }) => void, opts?: { once?: boolean }): void;
}

// Typed here rather than through the DOM library, so the module also checks under Node.
const browserSocket = (url: string): SocketLike =>
  new (globalThis as unknown as { WebSocket: new (url: string) => SocketLike }).WebSocket(url);

const offline = (message: string): BridgeReply => ({ ok: false, error: { code: 'OFFLINE', message } });

/**
 * The page's side of the web-mode bridge: a websocket to the host that served the page,
 * with the token the host put in the page's fragment. It gives the renderer the same
 * `ShellBridge` Electron's preload does. Calls made before the socket opens wait for it;
 * when it closes, waiting calls (and later ones) get an OFFLINE reply.
 */
export function connectBridge(
  location: { host: string; hash: string },
  openSocket: (url: string) => SocketLike = browserSocket,
): ShellBridge {
  const ws = openSocket(bridgeSocketUrl(location.host, tokenFromHash(location.hash)));
  const opened = new Promise<boolean>((resolve) => {
    ws.addEventListener('open', () => resolve(true), { once: true });
    ws.addEventListener('error', () => resolve(false), { once: true });
  });
  let closed = false;
  let nextId = 1;
  const waiting = new Map<number, (reply: BridgeReply) => void>();
  const pushes = pushFanout();

  ws.addEventListener('message', (ev) => {
    const msg = JSON.parse(String(ev.data)) as BridgeServerMessage;
    if (msg.type === 'push') {
      pushes.deliver(msg.event, msg.payload);
      return;
    }
    const resolve = waiting.get(msg.id);
    if (!resolve) return;
    waiting.delete(msg.id);
    resolve(msg.ok ? { ok: true, value: msg.value } : { ok: false, error: msg.error });
  });
  ws.addEventListener('close', () => {
    closed = true;
    for (const resolve of waiting.values()) resolve(offline('bridge closed'));
    waiting.clear();
  });

  return {
    mode: 'web',
    async invoke(method, args) {
      if (!(await opened)) return offline('bridge socket failed');
      if (closed) return offline('bridge closed');
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        ws.send(JSON.stringify({ type: 'call', id, method, args }));
      });
    },
    subscribe: (listener) => pushes.subscribe(listener),
  };
}
