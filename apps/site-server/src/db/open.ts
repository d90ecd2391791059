import { DatabaseCorruptError, DatabaseFromTheFutureError, openDurableDatabase } from '@exam/sqlite';
import type Database from 'better-sqlite3';
import { migrations } from './migrations/index.js';

export type Db = Database.Database;

export { DatabaseCorruptError, DatabaseFromTheFutureError };

/**
 * An answer is acknowledged only once its commit is fsync'd (ARCHITECTURE §9); group commit
 * keeps the throughput. WAL also lets readers run beside the writer.
 */
export function openDatabase(path: string): Db {
  return openDurableDatabase(path, {
    name: 'site database',
    program: 'server',
    advice: 'Upgrade the server.',
    migrations,
    foreignKeys: true,
  });
}
