import type Database from 'better-sqlite3';

/**
 * Failed logins and wrong approval codes were counted in memory, so a restart of the site
 * server (or a crash an attacker provoked) cleared every lock-out (issue 16). Each failure
 * is now a row: `scope` names the lock-out (per machine, per ticket, per room's codes),
 * `key` what it counts. Rows older than the rule's window are pruned as failures arrive.
 */
export function m0010LockoutFailures(db: Database.Database): void {
  db.exec(`
    CREATE TABLE lockout_failures (
      scope TEXT NOT NULL,
      key TEXT NOT NULL,
      at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX lockout_failures_by_key ON lockout_failures (scope, key, at);
  `);
}
