import type { ShellBridge } from '@exam/shell/bridge';
import {
  BRIDGE_METHODS,
  type BridgeMethod,
  type BridgePushes,
  type CandidateBridge,
} from '../../shared/bridge.js';

type Listener = (payload: never) => void;

/**
 * `CandidateBridge` over the shell's bridge, built once for both modes (Electron's preload
 * object or the web host's socket): each method is `invoke(name, args)`, a refused call
 * rejects with an Error carrying its `code`, and the two push kinds go to their listeners.
 */
export function candidateBridge(shell: ShellBridge): CandidateBridge {
  const listeners: { [E in keyof BridgePushes]: Set<Listener> } = { state: new Set(), reminder: new Set() };
  shell.subscribe((event, payload) => {
    for (const fn of listeners[event as keyof BridgePushes] ?? []) fn(payload as never);
  });

  const call =
    (method: BridgeMethod) =>
    async (...args: unknown[]) => {
      const reply = await shell.invoke(method, args);
      if (reply.ok) return reply.value;
      throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
    };
  const calls = Object.fromEntries(BRIDGE_METHODS.map((m) => [m, call(m)])) as unknown as Omit<
    CandidateBridge,
    'onState' | 'onReminder'
  >;

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
