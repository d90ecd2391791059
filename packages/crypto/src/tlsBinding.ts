import { Agent, type AgentOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { type ConnectionOptions, TLSSocket } from 'node:tls';

/**
 * Channel binding (RFC 9266 style, issue 16): both ends of one TLS connection derive the same
 * secret bytes from its session with the TLS exporter; a relay in the middle holds two
 * sessions, so a statement that names one connection's exporter value is worthless on any
 * other. TLS 1.3 only (the site serves nothing older), where the exporter needs no extra care.
 */
export const TLS_BINDING_BYTES = 32;

/**
 * The exporter value of `socket`'s TLS session under `label`, base64; '' when the socket is
 * not TLS at all (the benchmark's plain baseline), which a TLS server never computes, so a
 * statement made over plain text is accepted nowhere else.
 */
export function tlsBinding(socket: unknown, label: string): string {
  if (!(socket instanceof TLSSocket)) return '';
  // TLS 1.3 (RFC 8446 §7.5): an empty context is the same as none, as RFC 9266 uses it.
  return socket.exportKeyingMaterial(TLS_BINDING_BYTES, label, Buffer.alloc(0)).toString('base64');
}

/**
 * An https.Agent that remembers the TLS socket it opened last, so a socket.io client (which
 * never shows its transport's socket) can compute the binding of the connection it is on.
 * One agent per client: socket.io opens one connection at a time, so the last socket this
 * agent opened carries the current connection.
 */
export class TlsBindingAgent extends Agent {
  private current: TLSSocket | null = null;

  constructor(options: AgentOptions = {}) {
    // No keep-alive: a websocket owns its connection, and the last socket must be that one.
    super({ ...options, keepAlive: false });
  }

  override createConnection(
    options: ConnectionOptions,
    callback?: (err: Error | null, s: Duplex) => void,
  ): Duplex {
    const socket = super.createConnection(options, callback) as TLSSocket;
    this.current = socket;
    return socket;
  }

  /** The binding of the connection this agent opened last; null if none is open. */
  binding(label: string): string | null {
    const s = this.current;
    if (!s || s.destroyed || !s.encrypted) return null;
    return tlsBinding(s, label);
  }
}
