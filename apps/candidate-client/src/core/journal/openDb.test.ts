import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations } from './migrations/index.js';
import { JournalFromTheFutureError, openJournalDb } from './openDb.js';

/** The shared opener is tested in @exam/sqlite; here, what is the journal's own. */
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'journal-db-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('openJournalDb', () => {
  it('builds the journal’s schema, STRICT, so a value of the wrong type is refused', () => {
    const db = openJournalDb(join(dir, 'j.db'));
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    expect(tables).toEqual(['answer_changes', 'session', 'sync_state']);
    expect(() =>
      db
        .prepare(
          `INSERT INTO answer_changes (ticket_no, sitting_id, seq, item_id, value, flagged, created_at)
           VALUES ('1', 'S', 'not a number', 'q', 'null', 0, 0)`,
        )
        .run(),
    ).toThrow(/cannot store TEXT value in INTEGER column/);
    db.close();
  });

  it('refuses a journal written by a newer client, saying not to downgrade', () => {
    const path = join(dir, 'future.db');
    const raw = new Database(path);
    raw.pragma(`user_version = ${migrations.length + 1}`);
    raw.close();
    expect(() => openJournalDb(path)).toThrow(JournalFromTheFutureError);
    expect(() => openJournalDb(path)).toThrow(/do not downgrade the client/);
  });
});
