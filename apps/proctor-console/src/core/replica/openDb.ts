import { DatabaseCorruptError, DatabaseFromTheFutureError, openDurableDatabase } from '@exam/sqlite';
import type Database from 'better-sqlite3';
import { migrations } from './migrations/index.js';

export type Db = Database.Database;

/** The shared errors under the names the console's callers know. */
export {
  DatabaseCorruptError as ReplicaCorruptError,
  DatabaseFromTheFutureError as ReplicaFromTheFutureError,
};

/** The room replica: the room's copy of what the server acknowledged (ARCHITECTURE §9). */
export function openReplicaDb(path: string): Db {
  return openDurableDatabase(path, {
    name: 'room replica',
    program: 'console',
    advice: 'A newer console wrote it; do not downgrade the console on this machine.',
    migrations,
  });
}
