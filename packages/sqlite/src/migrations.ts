import type Database from 'better-sqlite3';

export type Migration = (db: Database.Database) => void;

/**
 * Append-only migrations tracked in user_version, each in one transaction with its version
 * bump, so a crash leaves the database at one version or the next, never between. A
 * database written by newer software is refused (the caller names the error): its answers
 * matter more than this program starting. The site database, the answer journal and the
 * room replica all run through here.
 */
export function runMigrations(
  db: Database.Database,
  migrations: readonly Migration[],
  fromTheFuture: (found: number, known: number) => Error,
): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) throw fromTheFuture(current, migrations.length);
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
