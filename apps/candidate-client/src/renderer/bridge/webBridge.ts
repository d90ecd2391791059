import {
  BRIDGE_METHODS,
  type BridgeMethod,
  type BridgePushes,
  type CandidateBridge,
} from '../../shared/bridge.js';
import { WEB_BRIDGE_PATH, type WebServerMessage } from '../../shared/channels.js';

type Listener = (payload: never) => void;

/**
 * `CandidateBridge` over the web host's websocket, for a plain browser (tests, development).
 * Calls made before the socket opens wait for it; each call gets one reply.
 */
export function createWebBridge(url = `ws://${location.host}${WEB_BRIDGE_PATH}`): CandidateBridge {
  const ws = new WebSocket(url);
  const opened = new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new Error('bridge socket failed')), { once: true });
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const listeners: { [E in keyof BridgePushes]: Set<Listener> } = { state: new Set(), reminder: new Set() };

  ws.addEventListener('message', (ev) => {
    const msg = JSON.parse(String(ev.data)) as WebServerMessage;
    if (msg.type === 'push') {
      for (const fn of listeners[msg.event] ?? []) fn(msg.payload as never);
      return;
    }
    const w = waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    if ('error' in msg) w.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
    else w.resolve(msg.value);
  });
  ws.addEventListener('close', () => {
    for (const w of waiting.values()) w.reject(new Error('bridge closed'));
    waiting.clear();
  });

  async function call(method: BridgeMethod, args: unknown[]): Promise<unknown> {
    await opened;
    const id = nextId++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      ws.send(JSON.stringify({ type: 'call', id, method, args }));
    });
  }

  const calls = Object.fromEntries(
    BRIDGE_METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)]),
  ) as unknown as Omit<CandidateBridge, 'onState' | 'onReminder'>;

  function subscribe<E extends keyof BridgePushes>(event: E, fn: (p: BridgePushes[E]) => void): () => void {
    listeners[event].add(fn as Listener);
    return () => listeners[event].delete(fn as Listener);
  }

  return {
    ...calls,
    onState: (fn) => subscribe('state', fn),
    onReminder: (fn) => subscribe('reminder', fn),
  };
}
