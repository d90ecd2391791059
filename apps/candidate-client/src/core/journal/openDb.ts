import { DatabaseCorruptError, DatabaseFromTheFutureError, openDurableDatabase } from '@exam/sqlite';
import type Database from 'better-sqlite3';
import { migrations } from './migrations/index.js';

export type Db = Database.Database;

/** The shared errors under the names the client's callers know. */
export {
  DatabaseCorruptError as JournalCorruptError,
  DatabaseFromTheFutureError as JournalFromTheFutureError,
};

/** The answer journal: an answer is fsync'd here before it is sent (ARCHITECTURE §9). */
export function openJournalDb(path: string): Db {
  return openDurableDatabase(path, {
    name: 'answer journal',
    program: 'client',
    advice: 'A newer client wrote it; do not downgrade the client on this machine.',
    migrations,
  });
}
