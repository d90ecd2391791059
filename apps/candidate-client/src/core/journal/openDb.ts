import { openDurableDatabase } from '@exam/sqlite';
import type Database from 'better-sqlite3';
import { migrations } from './migrations/index.js';

export type Db = Database.Database;

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

export class JournalCorruptError extends Error {
  constructor(readonly report: string) {
    super(`The answer journal failed its integrity check: ${report}`);
    this.name = 'JournalCorruptError';
  }
}

/** The answer journal: an answer is fsync'd here before it is sent (ARCHITECTURE §9). */
export function openJournalDb(path: string): Db {
  return openDurableDatabase(path, {
    migrations,
    corrupt: (report) => new JournalCorruptError(report),
    fromTheFuture: (found, known) => new JournalFromTheFutureError(found, known),
  });
}
