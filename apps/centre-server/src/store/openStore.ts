import { openPostgresStore } from './postgresStore.js';
import type { ReceiverStore } from './receiverStore.js';
import { openSqliteStore } from './sqliteStore.js';

/** SQLite in the data dir unless a `postgres://` URL is given. */
export async function openReceiverStore(opts: {
  dataDir: string;
  databaseUrl?: string;
}): Promise<ReceiverStore> {
  if (opts.databaseUrl === undefined) return openSqliteStore(opts.dataDir);
  if (!/^postgres(ql)?:\/\//.test(opts.databaseUrl)) {
    throw new Error('The database URL must start with postgres:// (or postgresql://).');
  }
  return openPostgresStore(opts.databaseUrl);
}
