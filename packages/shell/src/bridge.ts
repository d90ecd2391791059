/**
 * The one bridge between an app's host and its renderer, whatever carries it (Electron IPC
 * through the preload, or the web host's loopback websocket). Types and pure helpers only,
 * so a renderer and a sandboxed preload can import it.
 */

export interface BridgeError {
  code: string;
  message: string;
}

/**
 * What a call resolves to on the renderer's side. An error is data, not a rejection: an
 * Error loses its `code` crossing Electron's contextBridge, a plain object does not.
 */
export type BridgeReply = { ok: true; value: unknown } | { ok: false; error: BridgeError };

export type PushListener = (event: string, payload: unknown) => void;

/**
 * What the renderer sees (`window.candidate`, `window.proctor`), the same in both modes: the
 * preload exposes it in Electron, `connectBridge` builds it in a plain browser. Each app
 * wraps it once in its own typed API.
 */
export interface ShellBridge {
  readonly mode: 'electron' | 'web';
  /** One call, one reply; a host that cannot be reached gives an OFFLINE error reply. */
  invoke(method: string, args: unknown): Promise<BridgeReply>;
  /** The host's pushes; those that came before the first listener are handed to it. */
  subscribe(listener: PushListener): () => void;
}

/** What an app puts behind the bridge (both transports): its calls and its pushes. */
export interface BridgeService {
  /** Answers one call; the service parses `args` itself. A throw becomes an error reply. */
  call(method: string, args: unknown): Promise<unknown>;
  /** Pushes to one connected page until the returned function is called. */
  subscribe(push: PushListener): () => void;
  /** The code of the error reply for a throw (default INTERNAL). */
  errorCode?(e: unknown): string;
}

/** Raised on the host side for a message that is not a call at all. */
export const NOT_A_CALL: BridgeError = Object.freeze({ code: 'INVALID_CALL', message: 'Not a bridge call.' });

/** The reply to one call, the same for both transports. Never throws. */
export async function answerCall(
  service: BridgeService,
  method: string,
  args: unknown,
): Promise<BridgeReply> {
  try {
    return { ok: true, value: (await service.call(method, args)) ?? null };
  } catch (e) {
    return {
      ok: false,
      error: {
        code: service.errorCode?.(e) ?? 'INTERNAL',
        message: e instanceof Error ? e.message : String(e),
      },
    };
  }
}

/**
 * The page's side of the pushes: fanned out to its listeners. The host pushes as soon as a
 * page connects, before the page has subscribed, so those wait for the first listener
 * (a bounded number: the oldest give way, the host's next push carries the state again).
 */
export function pushFanout(maxBacklog = 256): {
  deliver: PushListener;
  subscribe(listener: PushListener): () => void;
} {
  const listeners = new Set<PushListener>();
  const backlog: Array<[string, unknown]> = [];
  return {
    deliver(event, payload) {
      if (listeners.size === 0) {
        backlog.push([event, payload]);
        if (backlog.length > maxBacklog) backlog.shift();
        return;
      }
      for (const fn of listeners) fn(event, payload);
    },
    subscribe(listener) {
      listeners.add(listener);
      for (const [event, payload] of backlog.splice(0)) listener(event, payload);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
