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

/** Append-only migrations, each in its own transaction, tracked in user_version. */
export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) throw new DatabaseFromTheFutureError(current, migrations.length);
  for (let v = current; v < migrations.length; v++) {
    const step = migrations[v]!;
    db.transaction(() => {
      step(db);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return migrations.length;
}
