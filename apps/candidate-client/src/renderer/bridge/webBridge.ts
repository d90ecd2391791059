import { type BridgeClient, connectBridge } from '@exam/shell/bridgeClient';
import {
  BRIDGE_METHODS,
  type BridgeMethod,
  type BridgePushes,
  type CandidateBridge,
} from '../../shared/bridge.js';

type Listener = (payload: never) => void;

/**
 * `CandidateBridge` over the web host's websocket, for a plain browser (tests, development):
 * the shell's client, with the token the host put in the page's address. Calls made before
 * the socket opens wait for it; each call gets one reply.
 */
export function createWebBridge(client: BridgeClient = connectBridge(location)): CandidateBridge {
  const listeners: { [E in keyof BridgePushes]: Set<Listener> } = { state: new Set(), reminder: new Set() };
  client.onPush((event, payload) => {
    for (const fn of listeners[event as keyof BridgePushes] ?? []) fn(payload as never);
  });

  const calls = Object.fromEntries(
    BRIDGE_METHODS.map((m: BridgeMethod) => [m, (...args: unknown[]) => client.call(m, args)]),
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
