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
    expect(tables).toEqual([
      'answer_changes',
      'retired_sessions',
      'session',
      'standalone_lock',
      'standalone_packages',
      'sync_state',
    ]);
    expect(() =>
      db
        .prepare(
          `INSERT INTO answer_changes (ticket_no, sitting_id, seq, item_id, value, flagged, made_at)
           VALUES ('1', 'S', 'not a number', 'q', 'null', 0, 0)`,
        )
        .run(),
    ).toThrow(/cannot store TEXT value in INTEGER column/);
    db.close();
  });

  it('upgrades a journal from before retired sessions, keeping its session and unacknowledged changes', () => {
    const path = join(dir, 'v1.db');
    const old = new Database(path);
    migrations[0]!(old);
    old.pragma('user_version = 1');
    old
      .prepare(
        `INSERT INTO session (id, server_url, session_token, ticket_no, sitting_id, profile, sitting, sealed_paper)
         VALUES (1, 'http://127.0.0.1:1', ?, '1001', 'S1', '{}', '{}', 'sealed')`,
      )
      .run('t'.repeat(43));
    old
      .prepare(
        `INSERT INTO answer_changes (ticket_no, sitting_id, seq, item_id, value, flagged, created_at, acked)
         VALUES ('1001', 'S1', 1, 'q1', '"A"', 0, 0, 0)`,
      )
      .run();
    old.close();

    const db = openJournalDb(path);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.prepare('SELECT ticket_no, session_token FROM session').get()).toEqual({
      ticket_no: '1001',
      session_token: 't'.repeat(43),
    });
    expect(db.prepare('SELECT seq, acked FROM answer_changes').all()).toEqual([{ seq: 1, acked: 0 }]);
    expect(db.prepare('SELECT count(*) FROM retired_sessions').pluck().get()).toBe(0);
    // STRICT as the rest: a token must be text.
    expect(() =>
      db
        .prepare(
          `INSERT INTO retired_sessions (ticket_no, sitting_id, session_token, server_url, retired_at)
           VALUES ('1', 'S', 'x', 'u', 'not a time')`,
        )
        .run(),
    ).toThrow(/cannot store TEXT value in INTEGER column/);
    db.close();
  });

  it('upgrades a journal from before made-at, keeping every change with the time it was made', () => {
    const path = join(dir, 'v2.db');
    const old = new Database(path);
    migrations[0]!(old);
    migrations[1]!(old);
    old.pragma('user_version = 2');
    old
      .prepare(
        `INSERT INTO answer_changes (ticket_no, sitting_id, seq, item_id, value, flagged, created_at, acked)
         VALUES ('1001', 'S1', 1, 'q1', '"A"', 0, 4200, 1), ('1001', 'S1', 2, 'q1', '"B"', 1, 5300, 0)`,
      )
      .run();
    old.close();

    const db = openJournalDb(path);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(
      db.prepare('SELECT seq, value, flagged, made_at, acked FROM answer_changes ORDER BY seq').all(),
    ).toEqual([
      { seq: 1, value: '"A"', flagged: 0, made_at: 4200, acked: 1 },
      { seq: 2, value: '"B"', flagged: 1, made_at: 5300, acked: 0 },
    ]);
    db.close();
  });

  it('upgrades a journal from before paper proofs: its session stays, its paper waits for a proof', () => {
    const path = join(dir, 'v3.db');
    const old = new Database(path);
    for (const m of migrations.slice(0, 3)) m(old);
    old.pragma('user_version = 3');
    old
      .prepare(
        `INSERT INTO session (id, server_url, session_token, ticket_no, sitting_id, profile, sitting, sealed_paper)
         VALUES (1, 'https://site', 'tok', '1001', 'S1', '{}', '{}', 'sealed')`,
      )
      .run();
    old.close();

    const db = openJournalDb(path);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.prepare('SELECT ticket_no, sealed_paper, paper_proof FROM session').all()).toEqual([
      { ticket_no: '1001', sealed_paper: 'sealed', paper_proof: null },
    ]);
    db.close();
  });

  it('upgrades a journal from before standalone mode: its session stays, one package may be active at a time', () => {
    const path = join(dir, 'v4.db');
    const old = new Database(path);
    for (const m of migrations.slice(0, 4)) m(old);
    old.pragma('user_version = 4');
    old
      .prepare(
        `INSERT INTO session (id, server_url, session_token, ticket_no, sitting_id, profile, sitting, sealed_paper)
         VALUES (1, 'https://site', 'tok', '1001', 'S1', '{}', '{}', 'sealed')`,
      )
      .run();
    old.close();

    const db = openJournalDb(path);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.prepare('SELECT ticket_no FROM session').pluck().all()).toEqual(['1001']);
    expect(db.prepare('SELECT count(*) FROM standalone_packages').pluck().get()).toBe(0);
    const add = db.prepare(
      `INSERT INTO standalone_packages (package_id, ticket_no, sitting_id, content, source_dir, state, opened_at)
       VALUES (?, '1001', 'S1', '{}', '/media/usb', ?, 0)`,
    );
    add.run('a'.repeat(32), 'active');
    add.run('b'.repeat(32), 'finished');
    // A second active package is refused by the schema itself, not only by the importer.
    expect(() => add.run('c'.repeat(32), 'active')).toThrow(/UNIQUE constraint failed/);
    expect(() =>
      db.prepare("INSERT INTO standalone_lock (id, failures, locked_until) VALUES (1, 'five', NULL)").run(),
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
