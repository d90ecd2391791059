import { type BridgeServerMessage, bridgeSocketUrl, tokenFromHash } from './bridgeWire.js';

/** The part of the browser's WebSocket used here (a test passes Node's `ws`). */
export interface SocketLike {
  send(data: string): void;
  addEventListener(type: string, fn: (ev: { data: unknown }) => void, opts?: { once?: boolean }): void;
}

// Typed here rather than through the DOM library, so the module also checks under Node.
const browserSocket = (url: string): SocketLike =>
  new (globalThis as unknown as { WebSocket: new (url: string) => SocketLike }).WebSocket(url);

export interface BridgeClient {
  /** One call, one reply; an error reply rejects with an Error carrying its `code`. */
  call(method: string, args: unknown): Promise<unknown>;
  /** Pushes from the host; those that came before the first listener are handed to it. */
  onPush(listener: (event: string, payload: unknown) => void): () => void;
}

export type BridgeCallFailure = Error & { code: string };

const failure = (code: string, message: string): BridgeCallFailure =>
  Object.assign(new Error(message), { code });

/**
 * The page's side of the web-mode bridge: a websocket to the host that served the page,
 * with the token the host put in the page's fragment. Calls made before the socket opens
 * wait for it; when it closes, waiting calls (and later ones) fail with OFFLINE.
 */
export function connectBridge(
  location: { host: string; hash: string },
  openSocket: (url: string) => SocketLike = browserSocket,
): BridgeClient {
  const ws = openSocket(bridgeSocketUrl(location.host, tokenFromHash(location.hash)));
  const opened = new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(failure('OFFLINE', 'bridge socket failed')), { once: true });
  });
  // A rejection nobody awaited yet is not an error of its own: calls see it.
  opened.catch(() => {});
  let closed = false;
  let nextId = 1;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const listeners = new Set<(event: string, payload: unknown) => void>();
  const backlog: Array<[string, unknown]> = [];

  ws.addEventListener('message', (ev) => {
    const msg = JSON.parse(String(ev.data)) as BridgeServerMessage;
    if (msg.type === 'push') {
      if (listeners.size === 0) backlog.push([msg.event, msg.payload]);
      for (const fn of listeners) fn(msg.event, msg.payload);
      return;
    }
    const w = waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    if ('error' in msg) w.reject(failure(msg.error.code, msg.error.message));
    else w.resolve(msg.value);
  });
  ws.addEventListener('close', () => {
    closed = true;
    for (const w of waiting.values()) w.reject(failure('OFFLINE', 'bridge closed'));
    waiting.clear();
  });

  return {
    async call(method, args) {
      await opened;
      if (closed) throw failure('OFFLINE', 'bridge closed');
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        ws.send(JSON.stringify({ type: 'call', id, method, args }));
      });
    },
    onPush(listener) {
      listeners.add(listener);
      for (const [event, payload] of backlog.splice(0)) listener(event, payload);
      return () => listeners.delete(listener);
    },
  };
}
