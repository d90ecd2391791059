import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, ReplicaFromTheFutureError } from './migrate.js';
import { migrations } from './migrations/index.js';
import { openReplicaDb } from './openDb.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'replica-db-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('openReplicaDb', () => {
  it('brings a new file to the latest version in WAL mode with synchronous=FULL', () => {
    const db = openReplicaDb(join(dir, 'r.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // 2 = FULL
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    db.close();
  });

  it('opens an existing replica again without re-running its migrations', () => {
    const path = join(dir, 'r.db');
    openReplicaDb(path).close();
    const db = openReplicaDb(path);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    db.close();
  });

  it('refuses a replica written by a newer console and leaves it untouched', () => {
    const path = join(dir, 'future.db');
    const raw = new Database(path);
    raw.exec('CREATE TABLE from_the_future (x INTEGER) STRICT');
    raw.pragma(`user_version = ${migrations.length + 1}`);
    raw.close();
    expect(() => openReplicaDb(path)).toThrow(ReplicaFromTheFutureError);
    const after = new Database(path, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(migrations.length + 1);
    expect(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual([
      'from_the_future',
    ]);
    after.close();
  });

  it('rejects a value of the wrong type, since the tables are STRICT', () => {
    const db = openReplicaDb(join(dir, 'r.db'));
    expect(() =>
      db
        .prepare(
          `INSERT INTO answer_changes (ticket_no, sitting_id, seq, item_id, value, flagged, received_at)
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

  it('migration 0001 builds the replica schema on an empty database', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 1));
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    expect(tables).toEqual(['answer_changes', 'replica_meta', 'room_snapshot']);
    db.close();
  });
});
