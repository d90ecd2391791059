import Database from 'better-sqlite3';
import { type Migration, runMigrations } from './migrations.js';

/**
 * One of the platform's SQLite files: what its errors call it, and its schema. Each app keeps
 * only this (its migration list and names); opening, checking and migrating are shared here.
 */
export interface DurableFile {
  /** How errors name the file: 'site database', 'answer journal', 'room replica'. */
  name: string;
  /** The program that writes it, for the newer-version error: 'server', 'client', 'console'. */
  program: string;
  /** What the operator should do about a file written by newer software. */
  advice: string;
  migrations: readonly Migration[];
  /** The site database enforces its foreign keys; the small local files have none. */
  foreignKeys?: boolean;
}

/** The file was written by newer software; it is left untouched. */
export class DatabaseFromTheFutureError extends Error {
  constructor(
    readonly file: string,
    readonly found: number,
    readonly known: number,
    program: string,
    advice: string,
  ) {
    super(
      `The ${file} is at schema version ${found}, newer than this ${program} knows (${known}). ${advice}`,
    );
    this.name = 'DatabaseFromTheFutureError';
  }
}

/** The file failed SQLite's quick check; it is left untouched. */
export class DatabaseCorruptError extends Error {
  constructor(
    readonly file: string,
    readonly report: string,
  ) {
    super(`The ${file} failed its integrity check: ${report}`);
    this.name = 'DatabaseCorruptError';
  }
}

/**
 * Opens (or creates) one of the platform's SQLite files: the site database, a candidate's
 * answer journal, a console's room replica. WAL so a crash mid-write leaves the last commit
 * intact; synchronous=FULL because each of them acknowledges, or relies on, a commit being
 * fsync'd (ARCHITECTURE §9), and better-sqlite3 defaults WAL databases to NORMAL, which can
 * lose the last commits on power loss. A damaged file or one from newer software is refused
 * with a named error and left as it is: its answers matter more than starting.
 */
export function openDurableDatabase(path: string, file: DurableFile): Database.Database {
  const db = openDurableConnection(path, file);
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new DatabaseCorruptError(file.name, String(check));
    runMigrations(
      db,
      file.migrations,
      (found, known) => new DatabaseFromTheFutureError(file.name, found, known, file.program, file.advice),
    );
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
