import type { Lockout } from '@exam/domain';
import type { Db } from '../db/open.js';
import { writeTransaction } from '../db/transactions.js';
import {
  countFailuresSince,
  deleteFailures,
  insertFailure,
  type LockoutScope,
} from './lockoutFailuresTable.js';

/**
 * Counts failures per key in a sliding window, by a lock-out rule of the domain (RULES); used
 * against guessing ID numbers and approval codes. Each failure is a row of site.db, written
 * with the database's full sync: a restart of the server (or a crash an attacker provokes)
 * does not hand the guesser a fresh count.
 */
export class FailureLimiter {
  constructor(
    private readonly db: Db,
    private readonly scope: LockoutScope,
    private readonly rule: Lockout,
  ) {}

  isBlocked(key: string, now: number): boolean {
    return countFailuresSince(this.db, this.scope, key, now - this.rule.windowMs) >= this.rule.maxFailures;
  }

  recordFailure(key: string, now: number): void {
    writeTransaction(this.db, () => {
      // The key's rows never outgrow one window: older ones no longer count.
      deleteFailures(this.db, this.scope, key, now - this.rule.windowMs);
      insertFailure(this.db, this.scope, key, now);
    });
  }

  reset(key: string): void {
    deleteFailures(this.db, this.scope, key);
  }
}
