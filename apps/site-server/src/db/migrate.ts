import { runMigrations } from '@exam/sqlite';
import type Database from 'better-sqlite3';
import { migrations } from './migrations/index.js';

export class DatabaseFromTheFutureError extends Error {
  constructor(found: number, known: number) {
    super(
      `The database is at schema version ${found}, newer than this server knows (${known}). Upgrade the server.`,
    );
    this.name = 'DatabaseFromTheFutureError';
  }
}

/** The site database's migrations, through the shared runner. */
export function migrate(db: Database.Database): number {
  return runMigrations(db, migrations, (found, known) => new DatabaseFromTheFutureError(found, known));
}
