import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Db } from '../db/open.js';

/** Pages copied per step of the online backup: small enough that the event loop keeps serving. */
const PAGES_PER_STEP = 256;
/**
 * Each write by another connection (the answer writer thread) restarts the online backup.
 * After this many steps the rest is copied in one step, so a busy sitting cannot starve it.
 */
const STEPS_BEFORE_ONE_GO = 2_000;

export class SnapshotFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotFailed';
  }
}

/**
 * A consistent copy of the site database at `path`, made with SQLite's online backup API
 * (better-sqlite3 `db.backup`, async: it copies in steps between which the server serves),
 * turned into a self-contained file (rollback journal, not WAL) and checked with
 * `PRAGMA integrity_check`. Refused (and the copy removed) unless the check says ok.
 */
export async function snapshotDatabase(db: Db, path: string): Promise<{ pages: number }> {
  rmSync(path, { force: true });
  let steps = 0;
  const { totalPages } = await db.backup(path, {
    progress: ({ totalPages: total }) => (++steps > STEPS_BEFORE_ONE_GO ? total : PAGES_PER_STEP),
  });
  try {
    const copy = new Database(path);
    try {
      copy.pragma('journal_mode = DELETE');
      const rows = copy.pragma('integrity_check') as { integrity_check: string }[];
      const verdict = rows.map((r) => r.integrity_check);
      if (verdict.length !== 1 || verdict[0] !== 'ok') {
        throw new SnapshotFailed(
          `The snapshot fails SQLite's integrity check: ${verdict.slice(0, 3).join('; ')}`,
        );
      }
    } finally {
      copy.close();
    }
  } catch (e) {
    rmSync(path, { force: true });
    throw e;
  }
  return { pages: totalPages };
}
