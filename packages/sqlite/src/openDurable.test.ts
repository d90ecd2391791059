import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Migration } from './migrations.js';
import { runMigrations } from './migrations.js';
import { DatabaseFromTheFutureError, openDurableDatabase } from './openDurable.js';

class FromTheFuture extends Error {}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'durable-db-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const notes: Migration = (db) =>
  db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL) STRICT');
const open = (path: string, migrations: readonly Migration[] = [notes], foreignKeys = false) =>
  openDurableDatabase(path, {
    name: 'notebook',
    program: 'notes app',
    advice: 'Use the newer notes app.',
    migrations,
    foreignKeys,
  });
const future = () => new FromTheFuture();

describe('openDurableDatabase', () => {
  it('opens in WAL mode with synchronous=FULL, so a commit is fsync-durable, at the latest version', () => {
    const db = open(join(dir, 'a.db'), [notes], true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // 2 = FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });

  it('opens an existing file again without re-running its migrations, and keeps its rows', () => {
    const path = join(dir, 'a.db');
    const first = open(path);
    first.prepare("INSERT INTO notes (text) VALUES ('kept')").run();
    first.close();
    const again = open(path);
    expect(again.prepare('SELECT text FROM notes').pluck().all()).toEqual(['kept']);
    again.close();
  });

  it('refuses a file written by newer software with an error naming the file, and leaves it untouched', () => {
    const path = join(dir, 'future.db');
    const raw = new Database(path);
    raw.exec('CREATE TABLE from_the_future (x INTEGER) STRICT');
    raw.pragma('user_version = 7');
    raw.close();
    expect(() => open(path)).toThrow(DatabaseFromTheFutureError);
    expect(() => open(path)).toThrow(
      'The notebook is at schema version 7, newer than this notes app knows (1). Use the newer notes app.',
    );
    const after = new Database(path, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(7);
    expect(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual([
      'from_the_future',
    ]);
    after.close();
  });

  it('refuses a file that is not a database with an error, not a crash', () => {
    const path = join(dir, 'garbage.db');
    writeFileSync(path, Buffer.alloc(8192, 0x5a));
    expect(() => open(path)).toThrow();
  });
});

describe('runMigrations', () => {
  it('applies each pending migration once and records the version', () => {
    const db = new Database(':memory:');
    const applied: number[] = [];
    const steps = [() => applied.push(1), () => applied.push(2)];
    runMigrations(db, steps.slice(0, 1), future);
    runMigrations(db, steps, future);
    runMigrations(db, steps, future);
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
    expect(() => runMigrations(db, [failing], future)).toThrow('boom');
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 });
    db.close();
  });
});
