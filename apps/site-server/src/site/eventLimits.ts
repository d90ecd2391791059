import type { Rate } from './tokenBucket.js';

/**
 * How many messages the site answers before it refuses with RATE_LIMITED (issue 16, point 7:
 * 6,272 alerts in 2.1 s from one machine, each fsync'd and pushed, raised another
 * candidate's save p95 from 4.6 ms to 142 ms). Answer saves are not counted here: they have
 * their own in-flight limit, and a machine back from an outage must be able to send its
 * whole backlog at once.
 */
export interface EventLimits {
  /** Every event of one connection but saves. */
  perSocket: Rate;
  /** Events of connections from one address that are not logged in (approval, login, checks). */
  perAddress: Rate;
  /** Alerts recorded per machine; past it a flood is one audit event and one console push. */
  alertsPerMachine: Rate;
}

/**
 * Refusals in a row after which a connection is closed: an honest client backs off long
 * before this (it waits for each reply), while a flood would otherwise still cost the site
 * a decode and a reply per message. Closing moves the cost to the flooder's reconnecting,
 * which the per-address limit holds down.
 */
export const FLOOD_DISCONNECT_AFTER_REFUSALS = 100;

/**
 * After a machine's connection was closed for flooding, its messages on any connection are
 * refused for this long: reconnecting at once (a new session, an fsync'd login, a console
 * push each time) must not become the cheaper way to flood. An honest client that tripped
 * the limit has its candidate keep answering offline meanwhile and sends it all afterwards.
 */
export const FLOOD_COOL_DOWN_MS = 10_000;

export const EVENT_LIMITS: EventLimits = Object.freeze({
  /**
   * An honest client sends a few messages a minute beside its saves (a time sync, an
   * alert, a notice acknowledgement) and a handful at once after a reconnect (resume, sync,
   * acknowledgements): a burst of 30 and 10 a second leave it untouched and hold a script
   * to a trickle.
   */
  perSocket: Object.freeze({ capacity: 30, refillPerSecond: 10 }),
  /**
   * One address is one test machine on an exam LAN; a new connection must not buy a fresh
   * allowance, so what is not logged in is also counted per address. Set well above one
   * machine's needs (a machine that restarts its client reconnects and starts over) and
   * within what the site answers without a dent (each is a parse and, at most, one read).
   */
  perAddress: Object.freeze({ capacity: 300, refillPerSecond: 100 }),
  /**
   * A client raises an alert on focus loss, a display, a close attempt: a few per sitting,
   * or a burst while a candidate fights the kiosk. Twenty at once and one every five
   * seconds after that is more than a proctor can read; past it, one "alert flood" entry
   * says what is happening.
   */
  alertsPerMachine: Object.freeze({ capacity: 20, refillPerSecond: 0.2 }),
});

/**
 * For load tests only: every simulated machine connects from the test host's one address,
 * which the per-address limit would hold to one machine's allowance. The other limits stay.
 */
export const EVENT_LIMITS_ONE_ADDRESS_LOAD: EventLimits = Object.freeze({
  ...EVENT_LIMITS,
  perAddress: Object.freeze({ capacity: 1e9, refillPerSecond: 1e9 }),
});
