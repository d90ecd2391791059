import { openDurableDatabase } from '@exam/sqlite';
import type Database from 'better-sqlite3';
import { migrations } from './migrations/index.js';

export type Db = Database.Database;

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

export class ReplicaCorruptError extends Error {
  constructor(readonly report: string) {
    super(`The room replica failed its integrity check: ${report}`);
    this.name = 'ReplicaCorruptError';
  }
}

/** The room replica: the room's copy of what the server acknowledged (ARCHITECTURE §9). */
export function openReplicaDb(path: string): Db {
  return openDurableDatabase(path, {
    migrations,
    corrupt: (report) => new ReplicaCorruptError(report),
    fromTheFuture: (found, known) => new ReplicaFromTheFutureError(found, known),
  });
}
