import { type Ack, ERROR_CODES, fail, ok, ProtocolError, parseMessage } from '@exam/protocol';
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
 * Registers one event: the payload arrives as `unknown` and is parsed against its schema
 * before the handler sees it (STYLE §4); the reply is always an Ack.
 */
export function handle<S extends z.ZodType, T>(
  socket: Listener,
  event: string,
  schema: S,
  log: Logger,
  fn: (payload: z.output<S>) => T | Promise<T>,
): void {
  socket.on(event, async (...args: unknown[]) => {
    const ack = args[args.length - 1];
    if (typeof ack !== 'function') {
      log.warn({ event }, 'message without acknowledgement ignored');
      return;
    }
    const reply = ack as (a: Ack<T>) => void;
    try {
      reply(ok(await fn(parseMessage(schema, args.length > 1 ? args[0] : undefined))));
    } catch (e) {
      reply(toFailure(e, log, event));
    }
  });
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
