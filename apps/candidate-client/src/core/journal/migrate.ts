import type Database from 'better-sqlite3';

export type Migration = (db: Database.Database) => void;

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

/**
 * Append-only migrations tracked in user_version, each in its own transaction with its
 * version bump, so a crash leaves the journal at one version or the next, never between.
 * A journal from a newer client is refused rather than guessed at: its answers matter more
 * than this client starting.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[]): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) throw new JournalFromTheFutureError(current, migrations.length);
  for (let v = current; v < migrations.length; v++) {
    const step = migrations[v]!;
    db.transaction(() => {
      step(db);
      // PRAGMA takes no bound parameters; `v + 1` is an integer of ours, not input.
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return migrations.length;
}
