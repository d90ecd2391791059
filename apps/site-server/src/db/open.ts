import { openDurableDatabase } from '@exam/sqlite';
import type Database from 'better-sqlite3';
import { migrations } from './migrations/index.js';

export type Db = Database.Database;

export class DatabaseFromTheFutureError extends Error {
  constructor(found: number, known: number) {
    super(
      `The database is at schema version ${found}, newer than this server knows (${known}). Upgrade the server.`,
    );
    this.name = 'DatabaseFromTheFutureError';
  }
}

export class DatabaseCorruptError extends Error {
  constructor(readonly report: string) {
    super(`The site database failed its integrity check: ${report}`);
    this.name = 'DatabaseCorruptError';
  }
}

/**
 * An answer is acknowledged only once its commit is fsync'd (ARCHITECTURE §9); group commit
 * keeps the throughput. WAL also lets readers run beside the writer.
 */
export function openDatabase(path: string): Db {
  return openDurableDatabase(path, {
    migrations,
    foreignKeys: true,
    corrupt: (report) => new DatabaseCorruptError(report),
    fromTheFuture: (found, known) => new DatabaseFromTheFutureError(found, known),
  });
}
