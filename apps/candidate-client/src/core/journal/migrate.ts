import { type Migration, runMigrations } from '@exam/sqlite';
import type Database from 'better-sqlite3';

export type { Migration };

export class JournalFromTheFutureError extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `The answer journal is at schema version ${found}, newer than this client knows (${known}). ` +
        'A newer client wrote it; do not downgrade the client on this machine.',
    );
    this.name = 'JournalFromTheFutureError';
  }
}

/** Runs the shared migration runner; a journal from a newer program is refused. */
export function migrate(db: Database.Database, migrations: readonly Migration[]): number {
  return runMigrations(db, migrations, (found, known) => new JournalFromTheFutureError(found, known));
}
