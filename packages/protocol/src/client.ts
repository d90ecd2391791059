import { z } from 'zod';
import type {
  NamespaceContract,
  ParsedPushOf,
  ParsedReplyOf,
  PushName,
  RequestName,
  RequestOf,
} from './contract.js';
import { ERROR_CODES, type ErrorCode } from './errors.js';

/**
 * The client side of the contract: one request-with-acknowledgement and one push listener,
 * shared by the candidate core and the proctor console. Both parse what the server sends
 * with the contract's schemas (ARCHITECTURE §5). No socket.io import: any socket.io-client
 * socket fits the two small interfaces below.
 */

/** Failures that never reach the server, so they have no protocol code. */
export const CLIENT_ERROR_CODES = Object.freeze({
  /** Not connected (or not yet registered); nothing was sent. */
  OFFLINE: 'OFFLINE',
  /** Sent, but no acknowledgement came in time; the server may or may not have it. */
  TIMEOUT: 'TIMEOUT',
  /** The server's reply did not have the shape the protocol promises. */
  BAD_REPLY: 'BAD_REPLY',
  /**
   * The server could not prove it is this site's server (its TLS certificate is not from the
   * centre root, or names another site): nothing was sent, and the client keeps refusing it.
   */
  SERVER_IDENTITY: 'SERVER_IDENTITY',
} as const);
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[keyof typeof CLIENT_ERROR_CODES];

export interface AckEmitter {
  readonly connected: boolean;
  timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> };
}

export interface PushSource {
  on(event: string, listener: (payload: unknown) => void): unknown;
}

const codes = Object.values(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];
const ackSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      code: z.enum(codes),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
]);

export interface RequestOptions {
  timeoutMs: number;
  /** Each client reports failures with its own error class; the codes are the same. */
  makeError: (code: ErrorCode | ClientErrorCode, message: string, details?: Record<string, unknown>) => Error;
}

/**
 * One request with an acknowledgement. socket.io delivers at most once and would
 * otherwise buffer an emit made while disconnected and send it later, after the
 * application has moved on (ARCHITECTURE §11); so nothing is emitted unless connected,
 * and every emit has a deadline. The caller decides whether to retry. The reply is parsed
 * with the event's reply schema: a malformed one is BAD_REPLY, never returned.
 */
export async function requestWithAck<C extends NamespaceContract, E extends RequestName<C>>(
  contract: C,
  socket: AckEmitter,
  event: E,
  payload: RequestOf<C, E>,
  opts: RequestOptions,
): Promise<ParsedReplyOf<C, E>> {
  if (!socket.connected)
    throw opts.makeError(CLIENT_ERROR_CODES.OFFLINE, 'Not connected to the site server.');
  let raw: unknown;
  try {
    raw = await socket.timeout(opts.timeoutMs).emitWithAck(event, payload);
  } catch {
    // socket.io rejects both on the deadline and when the connection drops mid-request.
    const code = socket.connected ? CLIENT_ERROR_CODES.TIMEOUT : CLIENT_ERROR_CODES.OFFLINE;
    throw opts.makeError(code, `No acknowledgement for ${event}.`);
  }
  const ack = ackSchema.safeParse(raw);
  if (!ack.success)
    throw opts.makeError(CLIENT_ERROR_CODES.BAD_REPLY, `Malformed acknowledgement for ${event}.`);
  if (!ack.data.ok) throw opts.makeError(ack.data.error.code, ack.data.error.message, ack.data.error.details);
  const reply = (contract.requests[event] as C['requests'][E]).reply.safeParse(ack.data.value);
  if (!reply.success)
    throw opts.makeError(CLIENT_ERROR_CODES.BAD_REPLY, `The server sent a malformed ${event} reply.`);
  return reply.data as ParsedReplyOf<C, E>;
}

/**
 * Listens to one push, parsed with its schema. A malformed push is dropped and reported,
 * never handed on: a client applies only what the contract promises.
 */
export function onPush<C extends NamespaceContract, E extends PushName<C>>(
  contract: C,
  socket: PushSource,
  event: E,
  apply: (payload: ParsedPushOf<C, E>) => void,
  onMalformed: (event: E, issues: string[]) => void,
): void {
  const schema = contract.pushes[event] as C['pushes'][E];
  socket.on(event, (payload) => {
    const parsed = schema.safeParse(payload);
    if (parsed.success) apply(parsed.data as ParsedPushOf<C, E>);
    else
      onMalformed(
        event,
        parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
      );
  });
}
