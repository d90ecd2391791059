/**
 * The web-mode bridge on the wire, shared by the loopback host (Node) and the page's client
 * (browser): one JSON message per websocket frame. Types and pure helpers only, so a
 * renderer can import it.
 */
import type { BridgeReply } from './bridge.js';

/** Where the host accepts the bridge socket; the token rides in the query. */
export const BRIDGE_PATH = '/bridge';

export interface BridgeCallMessage {
  type: 'call';
  id: number;
  method: string;
  args: unknown;
}

export type BridgeServerMessage =
  | ({ type: 'reply'; id: number } & BridgeReply)
  | { type: 'push'; event: string; payload: unknown };

/**
 * The page address the host prints: the token goes in the fragment, which the browser
 * never sends to a server (so it stays out of logs), and the page reads it from there.
 */
export function bridgePageUrl(origin: string, token: string): string {
  return `${origin}/#token=${encodeURIComponent(token)}`;
}

/** The token from a page's `location.hash` (`#token=…`), or '' when there is none. */
export function tokenFromHash(hash: string): string {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') ?? '';
}

/** The socket address for the page at `host` (`127.0.0.1:PORT`) with its token. */
export function bridgeSocketUrl(host: string, token: string): string {
  return `ws://${host}${BRIDGE_PATH}?token=${encodeURIComponent(token)}`;
}

/** A parsed call, or null for anything that is not one (the host then drops the socket). */
export function parseCall(data: string): BridgeCallMessage | null {
  let msg: unknown;
  try {
    msg = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof msg !== 'object' || msg === null) return null;
  const m = msg as Partial<BridgeCallMessage>;
  if (m.type !== 'call' || typeof m.id !== 'number' || typeof m.method !== 'string') return null;
  return { type: 'call', id: m.id, method: m.method, args: m.args };
}
