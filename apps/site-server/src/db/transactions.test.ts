import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDurableConnection } from '@exam/sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from './open.js';
import { readSnapshot, writeTransaction } from './transactions.js';

// Two connections to one file, as the main thread and the answer writer thread hold them.
let dir: string;
let main: Db;
let writer: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'site-tx-'));
  const path = join(dir, 'site.db');
  main = openDurableConnection(path);
  main.exec('CREATE TABLE counter (n INTEGER NOT NULL) STRICT; INSERT INTO counter VALUES (0);');
  writer = openDurableConnection(path);
  // The writer thread would wait; here it must answer at once so the test can see the lock.
  writer.pragma('busy_timeout = 0');
});

afterEach(() => {
  main.close();
  writer.close();
  rmSync(dir, { recursive: true, force: true });
});

const read = (db: Db) => db.prepare('SELECT n FROM counter').pluck().get() as number;

describe('writeTransaction', () => {
  it('holds the write lock from its first read, so no commit lands between its read and its write', () => {
    writeTransaction(main, () => {
      const n = read(main);
      // The other connection tries to commit in between, and is told to wait its turn.
      expect(() => writer.prepare('UPDATE counter SET n = n + 100').run()).toThrow(/locked|busy/i);
      main.prepare('UPDATE counter SET n = ?').run(n + 1);
    });
    expect(read(writer)).toBe(1);
  });

  it('is what a plain (deferred) transaction is not: that one would fail after such a commit', () => {
    expect(() =>
      main.transaction(() => {
        const n = read(main);
        writer.prepare('UPDATE counter SET n = n + 100').run();
        main.prepare('UPDATE counter SET n = ?').run(n + 1);
      })(),
    ).toThrow(/busy|locked/i);
    expect(read(main)).toBe(100);
  });
});

describe('readSnapshot', () => {
  it('sees one state throughout, whatever another connection commits meanwhile', () => {
    const seen = readSnapshot(main, () => {
      const before = read(main);
      writer.prepare('UPDATE counter SET n = 7').run();
      return [before, read(main)];
    });
    expect(seen).toEqual([0, 0]);
    expect(read(main)).toBe(7);
  });
});
