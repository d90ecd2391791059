import Database from 'better-sqlite3';
import { type Migration, runMigrations } from './migrations.js';

export interface DurableDatabaseOptions {
  migrations: readonly Migration[];
  /** The caller's named error for a file that fails SQLite's quick check. */
  corrupt: (report: string) => Error;
  /** The caller's named error for a file written by newer software. */
  fromTheFuture: (found: number, known: number) => Error;
  /** The site database enforces its foreign keys; the small local files have none. */
  foreignKeys?: boolean;
}

/**
 * Opens (or creates) one of the platform's SQLite files: the site database, a candidate's
 * answer journal, a console's room replica. WAL so a crash mid-write leaves the last commit
 * intact; synchronous=FULL because each of them acknowledges, or relies on, a commit being
 * fsync'd (ARCHITECTURE §9), and better-sqlite3 defaults WAL databases to NORMAL, which can
 * lose the last commits on power loss. A damaged file or one from newer software is refused
 * with the caller's error and left as it is: its answers matter more than starting.
 */
export function openDurableDatabase(path: string, opts: DurableDatabaseOptions): Database.Database {
  const db = openDurableConnection(path, opts);
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw opts.corrupt(String(check));
    runMigrations(db, opts.migrations, opts.fromTheFuture);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * Another connection to a file `openDurableDatabase` has already checked and migrated (the
 * site's answer writer thread has its own): the same durability, no check, no migrations.
 * `fileMustExist` so a wrong path fails instead of creating an empty database.
 */
export function openDurableConnection(
  path: string,
  opts: { foreignKeys?: boolean; fileMustExist?: boolean } = {},
): Database.Database {
  const db = new Database(path, { fileMustExist: opts.fileMustExist ?? false });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    if (opts.foreignKeys) db.pragma('foreign_keys = ON');
    // Two connections take turns at the write lock: a writer waits for the other's commit.
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
