import { ERROR_CODES, fail } from '@exam/protocol';
import type { Logger } from 'pino';
import {
  type EventLimits,
  FLOOD_COOL_DOWN_MS,
  FLOOD_DISCONNECT_AFTER_REFUSALS,
} from '../site/eventLimits.js';
import { KeyedBuckets, type Millis, monotonicMs, TokenBucket } from '../site/tokenBucket.js';

/** Saves have their own in-flight limit (answers/handlers.ts); they are never refused here. */
const NOT_COUNTED: ReadonlySet<string> = new Set(['answer:save', 'answer:deliver']);

/** What the limiter needs of a socket.io socket, of either namespace. */
interface LimitedSocket {
  handshake: { address: string };
  use(fn: (packet: [string, ...unknown[]], next: (err?: Error) => void) => void): unknown;
  disconnect(close?: boolean): unknown;
}

/**
 * Refuses a connection's messages past EVENT_LIMITS before any handler or schema sees them,
 * so a flood costs a token check and an acknowledgement. While a connection is not yet who
 * it says (no candidate logged in, no proctor signed in) every message it sends is counted
 * per connection and per remote address, whatever handlers exist or are added later; after
 * that, per connection only, and on the candidate namespace only (a console's bursts of
 * pulls are its own business, bounded by its sign-in).
 */
export class EventLimiter {
  private readonly addresses: KeyedBuckets;
  /** Machines whose connection was closed for flooding, until when their messages are refused. */
  private readonly coolingUntil = new Map<string, number>();

  constructor(
    private readonly limits: EventLimits,
    private readonly now: Millis = monotonicMs,
  ) {
    this.addresses = new KeyedBuckets(limits.perAddress, now);
  }

  attach(
    socket: LimitedSocket,
    log: Logger,
    opts: {
      authenticated: () => boolean;
      limitAfterwards: boolean;
      /** The machine the connection has proved to be (`machineKey`), once it has. */
      machine?: () => string | undefined;
      /** Told once when the connection is closed for flooding (to record it for the proctor). */
      onFlood?: (event: string) => void;
    },
  ): void {
    const own = new TokenBucket(this.limits.perSocket, this.now);
    const address = socket.handshake.address;
    let refusedInARow = 0;
    socket.use(([event, ...args], next) => {
      const authenticated = opts.authenticated();
      if (NOT_COUNTED.has(event) || (authenticated && !opts.limitAfterwards)) {
        next();
        return;
      }
      const machine = opts.machine?.();
      // An address's allowance is shared by its connections that are not authenticated.
      if (!this.cooling(machine) && own.take() && (authenticated || this.addresses.take(address))) {
        refusedInARow = 0;
        next();
        return;
      }
      refusedInARow++;
      // One log line per burst of refusals, not one per refused message.
      if (refusedInARow === 1) log.warn({ event, address }, 'rate limited');
      if (refusedInARow === FLOOD_DISCONNECT_AFTER_REFUSALS) {
        log.warn(
          { event, address, machine, refused: refusedInARow },
          'message flood; closing the connection',
        );
        if (machine !== undefined) this.coolingUntil.set(machine, this.now() + FLOOD_COOL_DOWN_MS);
        opts.onFlood?.(event);
        socket.disconnect(true);
        return;
      }
      const ack = args[args.length - 1];
      if (typeof ack === 'function') {
        ack(fail(ERROR_CODES.RATE_LIMITED, 'Too many messages from this machine; slow down.'));
      }
    });
  }

  private cooling(machine: string | undefined): boolean {
    if (machine === undefined) return false;
    const until = this.coolingUntil.get(machine);
    if (until === undefined) return false;
    if (this.now() < until) return true;
    this.coolingUntil.delete(machine);
    return false;
  }
}
