import Database from 'better-sqlite3';
import { migrate } from './migrate.js';
import { migrations } from './migrations/index.js';

export type Db = Database.Database;

export class ReplicaCorruptError extends Error {
  constructor(readonly report: string) {
    super(`The room replica failed its integrity check: ${report}`);
    this.name = 'ReplicaCorruptError';
  }
}

/**
 * WAL so a crash mid-write leaves the last commit intact, and synchronous=FULL because the
 * replica is the room's copy of what the server acknowledged (ARCHITECTURE §9):
 * better-sqlite3 defaults WAL databases to NORMAL, which can lose the last commits on
 * power loss.
 */
export function openReplicaDb(path: string): Db {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new ReplicaCorruptError(String(check));
    migrate(db, migrations);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
