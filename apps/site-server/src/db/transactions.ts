import type { Db } from './open.js';

/**
 * A write transaction on the main thread's connection. It begins IMMEDIATE, taking the
 * write lock before its first read, because the answer writer thread commits to the same
 * file on its own connection (decision 0006): a deferred transaction that read first would
 * fail with SQLITE_BUSY when the writer committed in between, instead of waiting its turn.
 */
export function writeTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}

/**
 * Several reads that must agree with each other (an acknowledgement and the answers it
 * covers; a whole answer package): one snapshot, whatever the writer thread commits
 * meanwhile. Takes no write lock.
 */
export function readSnapshot<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).deferred();
}
