import {
  type Ack,
  ERROR_CODES,
  fail,
  type NamespaceContract,
  ok,
  type ParsedRequestOf,
  ProtocolError,
  parseMessage,
  type ReplyOf,
  type RequestContract,
  type RequestName,
} from '@exam/protocol';
import type { Logger } from 'pino';
import type { z } from 'zod';

interface Listener {
  on(event: string, fn: (...args: unknown[]) => void): unknown;
}

/** Turns anything a handler throws into a typed acknowledgement; internals are not leaked. */
export function toFailure(e: unknown, log: Logger, event: string): Ack<never> {
  if (e instanceof ProtocolError) return fail(e.code, e.message, e.details);
  if (e instanceof Error && 'code' in e && (e.code === 'SQLITE_FULL' || e.code === 'ENOSPC')) {
    log.error({ event, err: e }, 'storage full');
    return fail(
      ERROR_CODES.STORAGE_FULL,
      'The site server’s disk is full; answers are kept on this machine.',
    );
  }
  log.error({ event, err: e }, 'handler failed');
  return fail(ERROR_CODES.INTERNAL, 'The server could not process this request.');
}

/**
 * The handler registrar of one namespace, typed by its contract: the event must be one the
 * contract declares, the handler receives that event's parsed request and must return its
 * reply shape. The payload arrives as `unknown` and is parsed against the contract's schema
 * before the handler sees it (STYLE §4); the reply is always an Ack.
 */
export function handlerFor<C extends NamespaceContract>(contract: C) {
  return function handle<E extends RequestName<C>>(
    socket: Listener,
    event: E,
    log: Logger,
    fn: (payload: ParsedRequestOf<C, E>) => ReplyOf<C, E> | Promise<ReplyOf<C, E>>,
  ): void {
    const schema: z.ZodType = (contract.requests[event] as RequestContract).request;
    socket.on(event, async (...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (typeof ack !== 'function') {
        log.warn({ event }, 'message without acknowledgement ignored');
        return;
      }
      const reply = ack as (a: Ack<ReplyOf<C, E>>) => void;
      try {
        const payload = parseMessage(schema, args.length > 1 ? args[0] : undefined) as ParsedRequestOf<C, E>;
        reply(ok(await fn(payload)));
      } catch (e) {
        reply(toFailure(e, log, event));
      }
    });
  };
}

interface AnyListener {
  onAny(fn: (event: string, ...args: unknown[]) => void): unknown;
}

/**
 * An event this role may not send gets FORBIDDEN, rather than silence: the sender learns
 * at once, and the attempt is logged (least privilege per role, ARCHITECTURE §5).
 */
export function refuseOtherEvents(socket: AnyListener, allowed: readonly string[], log: Logger): void {
  const known = new Set(allowed);
  socket.onAny((event, ...args) => {
    if (known.has(event)) return;
    log.warn({ event }, 'event not allowed for this role');
    const ack = args[args.length - 1];
    if (typeof ack === 'function') {
      (ack as (a: Ack<never>) => void)(
        fail(ERROR_CODES.FORBIDDEN, `The event ${event.slice(0, 40)} is not allowed here.`),
      );
    }
  });
}
