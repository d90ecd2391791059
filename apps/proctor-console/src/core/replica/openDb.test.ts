import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations } from './migrations/index.js';
import { openReplicaDb, ReplicaFromTheFutureError } from './openDb.js';

/** The shared opener is tested in @exam/sqlite; here, what is the replica's own. */
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'replica-db-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('openReplicaDb', () => {
  it('builds the replica’s schema, STRICT, so a value of the wrong type is refused', () => {
    const db = openReplicaDb(join(dir, 'r.db'));
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    expect(tables).toEqual(expect.arrayContaining(['answer_changes', 'replica_meta', 'room_snapshot']));
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

  it('upgrades a replica from before made-at: each change held is given the time the server received it', () => {
    const path = join(dir, 'v1.db');
    const old = new Database(path);
    migrations[0]!(old);
    old.pragma('user_version = 1');
    old
      .prepare(
        `INSERT INTO answer_changes (ticket_no, sitting_id, seq, item_id, value, flagged, received_at)
         VALUES ('1001', 'S1', 1, 'q1', '"A"', 0, 7000), ('1001', 'S1', 2, 'q1', '"B"', 1, 9100)`,
      )
      .run();
    old.close();

    const db = openReplicaDb(path);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(
      db.prepare('SELECT seq, value, flagged, received_at, made_at FROM answer_changes ORDER BY seq').all(),
    ).toEqual([
      { seq: 1, value: '"A"', flagged: 0, received_at: 7000, made_at: 7000 },
      { seq: 2, value: '"B"', flagged: 1, received_at: 9100, made_at: 9100 },
    ]);
    db.close();
  });

  it('refuses a replica written by a newer console, saying not to downgrade', () => {
    const path = join(dir, 'future.db');
    const raw = new Database(path);
    raw.pragma(`user_version = ${migrations.length + 1}`);
    raw.close();
    expect(() => openReplicaDb(path)).toThrow(ReplicaFromTheFutureError);
    expect(() => openReplicaDb(path)).toThrow(/do not downgrade the console/);
  });
});
