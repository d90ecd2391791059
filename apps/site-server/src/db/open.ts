import Database from 'better-sqlite3';
import { migrate } from './migrate.js';

export type Db = Database.Database;

export class DatabaseCorruptError extends Error {
  constructor(readonly report: string) {
    super(`The site database failed its integrity check: ${report}`);
    this.name = 'DatabaseCorruptError';
  }
}

/**
 * WAL for concurrent readers, and synchronous=FULL because an answer is acknowledged only
 * once its commit is fsync'd (ARCHITECTURE §9); group commit keeps the throughput.
 */
export function openDatabase(path: string): Db {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const check = db.pragma('quick_check', { simple: true });
  if (check !== 'ok') {
    db.close();
    throw new DatabaseCorruptError(String(check));
  }
  migrate(db);
  return db;
}
