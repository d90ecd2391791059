import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JournalFromTheFutureError, migrate } from './migrate.js';
import { migrations } from './migrations/index.js';
import { openJournalDb } from './openDb.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'journal-db-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('openJournalDb', () => {
  it('opens in WAL mode with synchronous=FULL so an append is fsync-durable', () => {
    const db = openJournalDb(join(dir, 'j.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // 2 = FULL
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    db.close();
  });

  it('refuses a journal written by a newer client', () => {
    const path = join(dir, 'future.db');
    const raw = new Database(path);
    raw.pragma(`user_version = ${migrations.length + 1}`);
    raw.close();
    expect(() => openJournalDb(path)).toThrow(JournalFromTheFutureError);
  });

  it('rejects a value of the wrong type, since the tables are STRICT', () => {
    const db = openJournalDb(join(dir, 'j.db'));
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
});

describe('migrate', () => {
  it('applies each pending migration once and records the version', () => {
    const db = new Database(':memory:');
    const applied: number[] = [];
    const steps = [() => applied.push(1), () => applied.push(2)];
    migrate(db, steps.slice(0, 1));
    migrate(db, steps);
    migrate(db, steps);
    expect(applied).toEqual([1, 2]);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    db.close();
  });

  it('rolls a failed migration back together with its version bump', () => {
    const db = new Database(':memory:');
    const failing = (d: Database.Database) => {
      d.exec('CREATE TABLE half (x INTEGER) STRICT');
      throw new Error('boom');
    };
    expect(() => migrate(db, [failing])).toThrow('boom');
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('builds the initial schema on an empty database', () => {
    const db = new Database(':memory:');
    migrate(db, migrations);
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    expect(tables).toEqual(['answer_changes', 'session', 'sync_state']);
    db.close();
  });
});
