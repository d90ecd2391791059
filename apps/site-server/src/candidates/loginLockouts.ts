import { minutesText, RULES } from '@exam/domain';
import { ERROR_CODES, ProtocolError } from '@exam/protocol';
import type { Db } from '../db/open.js';
import { FailureLimiter } from '../site/failureLimiter.js';

/**
 * Failed logins counted twice, both in site.db: per machine (RULES.loginLockout) against one
 * box guessing fast, and per ticket number (RULES.ticketLoginLockout) against a guesser who
 * moves between machines or changes its declared identity. Unknown ticket numbers are
 * counted too, so whether a ticket is locked says nothing about whether it exists.
 */
export class LoginLockouts {
  private readonly machines: FailureLimiter;
  private readonly tickets: FailureLimiter;

  constructor(db: Db) {
    this.machines = new FailureLimiter(db, 'login-machine', RULES.loginLockout);
    this.tickets = new FailureLimiter(db, 'login-ticket', RULES.ticketLoginLockout);
  }

  /** Throws RATE_LIMITED while this machine or this ticket is locked; nothing else is checked first. */
  check(machine: string, ticketNo: string, now: number): void {
    if (this.machines.isBlocked(machine, now)) {
      throw new ProtocolError(
        ERROR_CODES.RATE_LIMITED,
        `Too many failed logins on this machine; wait ${minutesText(RULES.loginLockout.windowMs)}.`,
      );
    }
    if (this.tickets.isBlocked(ticketNo, now)) {
      throw new ProtocolError(
        ERROR_CODES.RATE_LIMITED,
        `Too many failed logins for this ticket number; wait ${minutesText(RULES.ticketLoginLockout.windowMs)}.`,
      );
    }
  }

  recordFailure(machine: string, ticketNo: string, now: number): void {
    this.machines.recordFailure(machine, now);
    this.tickets.recordFailure(ticketNo, now);
  }

  succeeded(machine: string, ticketNo: string): void {
    this.machines.reset(machine);
    this.tickets.reset(ticketNo);
  }
}
