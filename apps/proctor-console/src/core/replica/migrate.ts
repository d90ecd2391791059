import { type Migration, runMigrations } from '@exam/sqlite';
import type Database from 'better-sqlite3';

export type { Migration };

export class ReplicaFromTheFutureError extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `The room replica is at schema version ${found}, newer than this console knows (${known}). ` +
        'A newer console wrote it; do not downgrade the console on this machine.',
    );
    this.name = 'ReplicaFromTheFutureError';
  }
}

/** Runs the shared migration runner; a replica from a newer program is refused. */
export function migrate(db: Database.Database, migrations: readonly Migration[]): number {
  return runMigrations(db, migrations, (found, known) => new ReplicaFromTheFutureError(found, known));
}
