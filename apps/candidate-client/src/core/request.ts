import {
  type Ack,
  type CandidateClientEvents,
  type CandidateServerEvents,
  NAMESPACES,
  PROTOCOL_VERSION,
} from '@exam/protocol';
import { io, type Socket } from 'socket.io-client';
import { CoreError, LOCAL_ERROR_CODES } from './errors.js';

export type CandidateSocket = Socket<CandidateServerEvents, CandidateClientEvents>;

/** A socket on the candidate namespace, not yet connected: the caller decides when. */
export function createCandidateSocket(serverUrl: string, connectTimeoutMs: number): CandidateSocket {
  return io(`${serverUrl}${NAMESPACES.candidate}`, {
    auth: { protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
    // Our own reconnect loop (Reconnector) uses full jitter; see there for why. With it
    // off, socket.io's randomizationFactor would have nothing to randomise.
    reconnection: false,
    autoConnect: false,
    // Each core owns its connection: two cores in one process must not share a manager.
    forceNew: true,
    timeout: connectTimeoutMs,
  });
}

type EventName = keyof CandidateClientEvents;
type PayloadOf<E extends EventName> = Parameters<CandidateClientEvents[E]>[0];
type ValueOf<E extends EventName> = Parameters<CandidateClientEvents[E]>[1] extends (a: Ack<infer T>) => void
  ? T
  : never;

/** The untyped view of `socket.timeout(ms)`, whose overloads do not survive a generic event. */
interface TimedEmitter {
  emitWithAck(event: string, payload: unknown): Promise<unknown>;
}

function isAck(x: unknown): x is Ack<unknown> {
  if (typeof x !== 'object' || x === null || !('ok' in x)) return false;
  if (x.ok === true) return 'value' in x;
  if (x.ok !== false || !('error' in x)) return false;
  const e = x.error;
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string';
}

/**
 * One request with an acknowledgement. socket.io delivers at most once and would
 * otherwise buffer an emit made while disconnected and send it later, after the
 * application has moved on (ARCHITECTURE §11); so nothing is emitted unless connected,
 * and every emit has a deadline. The caller decides whether to retry.
 */
export async function request<E extends EventName>(
  socket: CandidateSocket,
  event: E,
  payload: PayloadOf<E>,
  timeoutMs: number,
): Promise<ValueOf<E>> {
  if (!socket.connected) throw new CoreError(LOCAL_ERROR_CODES.OFFLINE, 'Not connected to the site server.');
  let reply: unknown;
  try {
    reply = await (socket.timeout(timeoutMs) as unknown as TimedEmitter).emitWithAck(event, payload);
  } catch {
    // socket.io rejects both on the deadline and when the connection drops mid-request.
    const code = socket.connected ? LOCAL_ERROR_CODES.TIMEOUT : LOCAL_ERROR_CODES.OFFLINE;
    throw new CoreError(code, `No acknowledgement for ${event}.`);
  }
  if (!isAck(reply))
    throw new CoreError(LOCAL_ERROR_CODES.BAD_REPLY, `Malformed acknowledgement for ${event}.`);
  if (!reply.ok) throw new CoreError(reply.error.code, reply.error.message, reply.error.details);
  return reply.value as ValueOf<E>;
}
