import type Database from 'better-sqlite3';

export type Migration = (db: Database.Database) => void;

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

/**
 * Append-only migrations tracked in user_version, each in one transaction with its version
 * bump, so a crash leaves the replica at one version or the next, never between. A replica
 * from a newer console is refused rather than guessed at: its answers may be the only copy
 * left if the site server's disk is lost.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[]): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) throw new ReplicaFromTheFutureError(current, migrations.length);
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
