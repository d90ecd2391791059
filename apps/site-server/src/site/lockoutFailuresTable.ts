import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

/** The lock-outs whose failures are counted (one `scope` each in `lockout_failures`). */
export type LockoutScope = 'login-machine' | 'login-ticket' | 'approval-room' | 'admin-sign-in';

export function countFailuresSince(db: Db, scope: LockoutScope, key: string, since: number): number {
  const row = stmt(
    db,
    'SELECT count(*) AS n FROM lockout_failures WHERE scope = ? AND key = ? AND at > ?',
  ).get(scope, key, since) as { n: number };
  return row.n;
}

export function insertFailure(db: Db, scope: LockoutScope, key: string, at: number): void {
  stmt(db, 'INSERT INTO lockout_failures (scope, key, at) VALUES (?, ?, ?)').run(scope, key, at);
}

/** Drops a key's failures at or before `before` (aged out of the window), or all of them. */
export function deleteFailures(
  db: Db,
  scope: LockoutScope,
  key: string,
  before = Number.MAX_SAFE_INTEGER,
): void {
  stmt(db, 'DELETE FROM lockout_failures WHERE scope = ? AND key = ? AND at <= ?').run(scope, key, before);
}
