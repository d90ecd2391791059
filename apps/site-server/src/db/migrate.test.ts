import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigrations } from '@exam/sqlite';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { m0012ProctorChallenges } from './migrations/0012_proctor_challenges.js';
import { m0015StandalonePackages } from './migrations/0015_standalone_packages.js';
import { m0016Uploads } from './migrations/0016_uploads.js';
import { m0017Backups } from './migrations/0017_backups.js';
import { m0018AdminSessionsAndCleanup } from './migrations/0018_admin_sessions_and_cleanup.js';
import { m0019OverbookingTransfers } from './migrations/0019_overbooking_transfers.js';
import { migrations } from './migrations/index.js';
import { DatabaseFromTheFutureError, openDatabase } from './open.js';

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'site-db-'));
  dirs.push(dir);
  return join(dir, 'site.db');
}

/** A database as a server at `version` left it: that many migrations run, nothing after. */
function databaseAtVersion(version: number): Database.Database {
  const db = new Database(tempDb());
  db.pragma('foreign_keys = ON');
  for (const m of migrations.slice(0, version)) m(db);
  db.pragma(`user_version = ${version}`);
  return db;
}

interface OldCandidate {
  idNumber: string;
  photo: string;
  seatNo: number | null;
}

/**
 * Room R1, sitting S1, and candidates T1 (A, F) and T2 (B, M) sitting it, in the candidates'
 * row as versions 1–6 had it (the photo before room and seat).
 */
function seedTwoCandidates(
  db: Database.Database,
  [first, second]: readonly [OldCandidate, OldCandidate],
): void {
  db.exec(`
    INSERT INTO rooms VALUES ('R1', 'Room 1', 40);
    INSERT INTO sittings VALUES ('S1', 'B1', 'ECON', 'Economics', 'junior', 0, 0, 'P1', 'sealed');
  `);
  const insert = db.prepare("INSERT INTO candidates VALUES (?, ?, ?, ?, 'junior', 'econ', ?, 'R1', ?)");
  insert.run('T1', first.idNumber, 'A', 'F', first.photo, first.seatNo);
  insert.run('T2', second.idNumber, 'B', 'M', second.photo, second.seatNo);
  db.exec("INSERT INTO candidate_sittings (ticket_no, sitting_id) VALUES ('T1', 'S1'), ('T2', 'S1')");
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('site database migrations', () => {
  it('brings a new database to the latest version with WAL and full sync', () => {
    const db = openDatabase(tempDb());
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    db.close();
  });

  it('runs 0001 then 0002 on an existing version-1 database without losing rows', () => {
    const db = databaseAtVersion(1);
    db.prepare(
      "INSERT INTO machines (machine_id, room_id, seat_no, client_version, registered_at) VALUES ('m1', 'R1', 1, '1', 0)",
    ).run();
    expect(runMigrations(db, migrations, () => new Error('newer'))).toBe(migrations.length);
    expect(db.prepare('SELECT machine_id, shortfalls FROM machines').get()).toEqual({
      machine_id: 'm1',
      shortfalls: '[]',
    });
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'client_alerts'").get()).toEqual({
      n: 1,
    });
    db.close();
  });

  it('runs 0003 on a version-2 database: keeps rooms and candidates, drops the proctor password hash', () => {
    const db = databaseAtVersion(2);
    db.exec(`
      INSERT INTO rooms VALUES ('R1', 'Room 1', 40, 'old-hash');
      INSERT INTO sittings VALUES ('S1', 'B1', 'ECON', 'Economics', 'junior', 0, 0, 'P1', 'sealed');
      INSERT INTO candidates VALUES ('T1', 'id1', 'A', 'F', 'junior', 'econ', 'png', 'R1', 1);
      INSERT INTO candidate_sittings (ticket_no, sitting_id, extension_ms) VALUES ('T1', 'S1', 300000);
      INSERT INTO room_sittings (room_id, sitting_id, started_at) VALUES ('R1', 'S1', 5);
    `);
    expect(runMigrations(db, migrations, () => new Error('newer'))).toBe(migrations.length);
    expect(db.prepare('SELECT * FROM rooms').all()).toEqual([{ room_id: 'R1', name: 'Room 1', seats: 40 }]);
    expect(
      db
        .prepare(
          'SELECT extension_ms, reset_pending, down_since, suggested_extension_ms FROM candidate_sittings',
        )
        .get(),
    ).toEqual({ extension_ms: 300000, reset_pending: 0, down_since: null, suggested_extension_ms: 0 });
    expect(db.prepare('SELECT started_at, start_code FROM room_sittings').get()).toEqual({
      started_at: 5,
      start_code: null,
    });
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => (r as { name: string }).name);
    for (const t of [
      'registered_keys',
      'used_approval_codes',
      'resets',
      'extensions',
      'violations',
      'notices',
      'notice_acks',
    ]) {
      expect(tables).toContain(t);
    }
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });

  /** How SQLite would run `sql`: the plan's lines, to see which index a lookup uses. */
  const plan = (db: Database.Database, sql: string) =>
    db
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all()
      .map((r) => (r as { detail: string }).detail)
      .join('\n');

  it('runs 0004 on a version-3 database: a room’s candidates are found by index, not a scan', () => {
    const db = databaseAtVersion(3);
    seedTwoCandidates(db, [
      { idNumber: 'id1', photo: 'png', seatNo: 1 },
      { idNumber: 'id2', photo: 'png', seatNo: 2 },
    ]);
    const byRoom = "SELECT ticket_no FROM candidates WHERE room_id = 'R1'";
    expect(plan(db, byRoom)).not.toContain('candidates_room');
    expect(runMigrations(db, migrations, () => new Error('newer'))).toBe(migrations.length);
    expect(plan(db, byRoom)).toContain('candidates_room');
    expect(db.prepare(`${byRoom} ORDER BY ticket_no`).all()).toEqual([
      { ticket_no: 'T1' },
      { ticket_no: 'T2' },
    ]);
    db.close();
  });

  it('runs 0005 on a version-4 database: audit trail, notices and violations are looked up by index', () => {
    const db = databaseAtVersion(4);
    db.exec(`
      INSERT INTO audit_events VALUES (1, 0, 'proctor', 'p', 'candidate.reset', 'T1/S1', '{}', '', 'h1');
      INSERT INTO notices (at, room_id, sitting_id, ticket_no, text, actor) VALUES (0, 'R1', 'S1', NULL, 'hi', 'p');
      INSERT INTO violations (at, room_id, sitting_id, ticket_no, category, description, actor)
        VALUES (0, 'R1', 'S1', 'T1', 'other', 'x', 'p');
    `);
    const lookups = {
      audit_events_subject: "SELECT seq FROM audit_events WHERE subject = 'T1/S1'",
      notices_room_sitting: "SELECT id FROM notices WHERE room_id = 'R1' AND sitting_id = 'S1'",
      violations_candidate: "SELECT id FROM violations WHERE ticket_no = 'T1' AND sitting_id = 'S1'",
    };
    for (const [index, sql] of Object.entries(lookups)) expect(plan(db, sql)).not.toContain(index);
    expect(runMigrations(db, migrations, () => new Error('newer'))).toBe(migrations.length);
    for (const [index, sql] of Object.entries(lookups)) {
      expect(plan(db, sql)).toContain(index);
      expect(db.prepare(sql).all()).toHaveLength(1);
    }
    db.close();
  });

  it('moves a version-5 database’s answered counts onto the candidates’ sittings', () => {
    const db = databaseAtVersion(5);
    seedTwoCandidates(db, [
      { idNumber: 'id', photo: 'png', seatNo: 1 },
      { idNumber: 'id', photo: 'png', seatNo: 2 },
    ]);
    db.exec(`
      INSERT INTO answers_current VALUES
        ('T1', 'S1', 'Q1', 1, '["A"]', 0, 1), ('T1', 'S1', 'Q2', 2, '"x"', 0, 1), ('T1', 'S1', 'Q3', 3, '[]', 0, 0);
    `);
    expect(runMigrations(db, migrations, () => new Error('newer'))).toBe(migrations.length);
    expect(db.prepare('SELECT ticket_no, answered FROM candidate_sittings ORDER BY ticket_no').all()).toEqual(
      [
        { ticket_no: 'T1', answered: 2 },
        { ticket_no: 'T2', answered: 0 },
      ],
    );
    expect(
      db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'answers_current'").get(),
    ).toEqual({
      n: 0,
    });
    db.close();
  });

  it('moves a version-6 database’s photos out of the candidates’ rows, keeping every photo', () => {
    const db = databaseAtVersion(6);
    seedTwoCandidates(db, [
      { idNumber: 'id1', photo: 'cGhvdG8x', seatNo: 1 },
      { idNumber: 'id2', photo: 'cGhvdG8y', seatNo: null },
    ]);
    expect(runMigrations(db, migrations, () => new Error('newer'))).toBe(migrations.length);
    expect(db.prepare('SELECT * FROM candidate_photos ORDER BY ticket_no').all()).toEqual([
      { ticket_no: 'T1', photo_png: 'cGhvdG8x' },
      { ticket_no: 'T2', photo_png: 'cGhvdG8y' },
    ]);
    expect(db.prepare('SELECT * FROM candidates ORDER BY ticket_no').all()).toEqual([
      {
        ticket_no: 'T1',
        id_number: 'id1',
        name: 'A',
        gender: 'F',
        level: 'junior',
        specialty: 'econ',
        room_id: 'R1',
        seat_no: 1,
      },
      {
        ticket_no: 'T2',
        id_number: 'id2',
        name: 'B',
        gender: 'M',
        level: 'junior',
        specialty: 'econ',
        room_id: 'R1',
        seat_no: null,
      },
    ]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });

  it('carries a version-7 database’s answer export over, classed final or interim by the rooms’ end times', () => {
    const db = databaseAtVersion(7);
    db.exec(`
      INSERT INTO rooms VALUES ('R1', 'Room 1', 40), ('R2', 'Room 2', 40);
      INSERT INTO sittings VALUES ('S1', 'B1', 'ECON', 'Economics', 'junior', 0, 0, 'P1', 'sealed');
      INSERT INTO sittings VALUES ('S2', 'B1', 'BIZ', 'Business', 'junior', 0, 0, 'P2', 'sealed');
      INSERT INTO room_sittings (room_id, sitting_id, ended_at) VALUES
        ('R1', 'S1', 100), ('R2', 'S1', 200), ('R1', 'S2', 100), ('R2', 'S2', NULL);
      INSERT INTO exports VALUES ('S1', '/x/answers-S1.exampkg', 'aa', 250), ('S2', '/x/answers-S2.exampkg', 'bb', 150);
    `);
    expect(runMigrations(db, migrations, () => new Error('newer'))).toBe(migrations.length);
    expect(db.prepare('SELECT * FROM answer_packages ORDER BY sitting_id').all()).toEqual([
      {
        path: '/x/answers-S1.exampkg',
        sitting_id: 'S1',
        finality: 'final',
        rooms_not_ended: '[]',
        sha256: 'aa',
        exported_at: 250,
      },
      {
        path: '/x/answers-S2.exampkg',
        sitting_id: 'S2',
        finality: 'interim',
        rooms_not_ended: '["R2"]',
        sha256: 'bb',
        exported_at: 150,
      },
    ]);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'exports'").get()).toEqual({
      n: 0,
    });
    db.close();
  });

  it('gives a version-8 database’s answer changes a made-at time: when the server received them', () => {
    const db = databaseAtVersion(8);
    db.exec(`
      INSERT INTO answer_changes (ticket_no, sitting_id, seq, item_id, value, flagged, received_at) VALUES
        ('T1', 'S1', 1, 'Q1', '"A"', 0, 1000), ('T1', 'S1', 2, 'Q1', '"B"', 1, 2500);
    `);
    expect(runMigrations(db, migrations, () => new Error('newer'))).toBe(migrations.length);
    expect(
      db.prepare('SELECT seq, value, flagged, received_at, made_at FROM answer_changes ORDER BY seq').all(),
    ).toEqual([
      { seq: 1, value: '"A"', flagged: 0, received_at: 1000, made_at: 1000 },
      { seq: 2, value: '"B"', flagged: 1, received_at: 2500, made_at: 2500 },
    ]);
    // STRICT as before: a time must be an integer.
    expect(() =>
      db
        .prepare(
          `INSERT INTO answer_changes (ticket_no, sitting_id, seq, item_id, value, flagged, received_at, made_at)
           VALUES ('T2', 'S1', 1, 'Q1', '"A"', 0, 0, 'soon')`,
        )
        .run(),
    ).toThrow(/cannot store TEXT value in INTEGER column/);
    db.close();
  });

  it('runs 0010 on a version-9 database: failed logins and codes are counted on disk, by index', () => {
    const db = databaseAtVersion(9);
    expect(runMigrations(db, migrations, () => new Error('newer'))).toBeGreaterThanOrEqual(10);
    db.prepare("INSERT INTO lockout_failures VALUES ('login-ticket', 'T1', 5)").run();
    expect(db.prepare('SELECT * FROM lockout_failures').all()).toEqual([
      { scope: 'login-ticket', key: 'T1', at: 5 },
    ]);
    // STRICT: a time that is not an integer is refused, not stored as text.
    expect(() => db.prepare("INSERT INTO lockout_failures VALUES ('x', 'y', 'soon')").run()).toThrow();
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT count(*) FROM lockout_failures WHERE scope = 'x' AND key = 'y' AND at > 0",
      )
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('lockout_failures_by_key');
    db.close();
  });

  it('runs 0011 on a version-10 database: machine bindings, one live machine per seat, and join requests', () => {
    const db = databaseAtVersion(10);
    db.exec(
      "INSERT INTO machines (machine_id, room_id, seat_no, client_version, registered_at) VALUES ('m1', 'R1', 1, '1', 0)",
    );
    expect(runMigrations(db, migrations, () => new Error('newer'))).toBeGreaterThanOrEqual(11);
    // The machines the old self-declared register left stay as they were: only approval binds.
    expect(db.prepare('SELECT machine_id FROM machines').pluck().all()).toEqual(['m1']);
    const bind = db.prepare(
      "INSERT INTO machine_bindings (fingerprint, public_key, room_id, seat_no, approved_at, approved_by, retired_at) VALUES (?, 'k', 'R1', 1, 0, 'p', ?)",
    );
    bind.run('f1', 5);
    bind.run('f2', null);
    // A second live machine for seat 1 is refused; retiring the first is what makes room.
    expect(() => bind.run('f3', null)).toThrow(/UNIQUE/);
    db.prepare("INSERT INTO machine_join_requests VALUES ('f4', 'k', 'R1', 2, '10.0.0.4', '1', 7)").run();
    expect(() =>
      db.prepare("INSERT INTO machine_join_requests VALUES ('f4', 'k', 'R1', 3, '10.0.0.4', '1', 8)").run(),
    ).toThrow(/UNIQUE|PRIMARY/);
    db.close();
  });

  it('runs 0012 on a version-11 database: proctor sign-in challenges kept on disk, each one once', () => {
    const db = databaseAtVersion(migrations.indexOf(m0012ProctorChallenges));
    expect(runMigrations(db, migrations, () => new Error('newer'))).toBe(migrations.length);
    const issue = db.prepare(
      'INSERT INTO proctor_challenges (challenge, connection_id, issued_at) VALUES (?, ?, ?)',
    );
    issue.run('c1', 'sock-1', 1000);
    expect(() => issue.run('c1', 'sock-2', 2000)).toThrow(/UNIQUE|PRIMARY/);
    // STRICT: a time is an integer, never text.
    expect(() => issue.run('c2', 'sock-1', 'soon')).toThrow(/cannot store TEXT/);
    expect(db.prepare('SELECT * FROM proctor_challenges').all()).toEqual([
      { challenge: 'c1', connection_id: 'sock-1', issued_at: 1000, used_at: null, used_by: null },
    ]);
    expect(
      db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'proctor_challenges_issued'").pluck().get(),
    ).toBe(1);
    db.close();
  });

  it("runs 0013 on a version-12 database: a sitting keeps the centre's signature over its paper", () => {
    const db = databaseAtVersion(12);
    db.exec("INSERT INTO sittings VALUES ('S1', 'B1', 'ECON', 'Economics', 'junior', 0, 0, 'P1', 'sealed')");
    expect(runMigrations(db, migrations, () => new Error('newer'))).toBeGreaterThanOrEqual(13);
    const put = db.prepare('INSERT INTO paper_proofs (sitting_id, paper_sha256, signature) VALUES (?, ?, ?)');
    put.run('S1', 'ab'.repeat(32), 'c2ln');
    // One proof per sitting, and only for a sitting the site has.
    expect(() => put.run('S1', 'cd'.repeat(32), 'c2ln')).toThrow(/UNIQUE|PRIMARY/);
    expect(() => put.run('S9', 'cd'.repeat(32), 'c2ln')).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('runs 0014 on a version-13 database: stored changes are not late, candidates have no recorded loss', () => {
    const db = databaseAtVersion(13);
    // Only the two tables the migration changes matter here, not whom their rows refer to.
    db.pragma('foreign_keys = OFF');
    db.exec(
      `INSERT INTO candidate_sittings (ticket_no, sitting_id) VALUES ('T1', 'S1'), ('T2', 'S1');
       INSERT INTO answer_changes (ticket_no, sitting_id, seq, item_id, value, flagged, received_at, made_at)
       VALUES ('T1', 'S1', 1, 'Q1', '"A"', 0, 10, 9)`,
    );
    expect(runMigrations(db, migrations, () => new Error('newer'))).toBeGreaterThanOrEqual(14);
    expect(db.prepare('SELECT late_arrival FROM answer_changes').pluck().all()).toEqual([0]);
    expect(
      db.prepare('SELECT last_down_at FROM candidate_sittings ORDER BY ticket_no').pluck().all(),
    ).toEqual([null, null]);
    // STRICT: a mark that is not an integer is refused.
    expect(() => db.prepare("UPDATE answer_changes SET late_arrival = 'yes'").run()).toThrow();
    db.close();
  });

  it('runs 0015 on the version before it: online changes stay online, one exported package per candidate', () => {
    const db = databaseAtVersion(migrations.indexOf(m0015StandalonePackages));
    db.pragma('foreign_keys = OFF');
    db.exec(
      `INSERT INTO candidate_sittings (ticket_no, sitting_id) VALUES ('T1', 'S1');
       INSERT INTO answer_changes (ticket_no, sitting_id, seq, item_id, value, flagged, received_at, made_at)
       VALUES ('T1', 'S1', 1, 'Q1', '"A"', 0, 10, 9)`,
    );
    expect(runMigrations(db, migrations, () => new Error('newer'))).toBe(migrations.length);
    // Every change stored before standalone mode existed was made online.
    expect(db.prepare('SELECT standalone_package_id FROM answer_changes').pluck().all()).toEqual([null]);
    const put = db.prepare(
      `INSERT INTO standalone_packages (package_id, sitting_id, ticket_no, room_id, target_machine_fingerprint,
         target_machine_public_key, state, exported_at, exported_by, consent_by, consent_fingerprint,
         consent_statement, consent_signature, reason, remaining_ms, highest_seq_at_export)
       VALUES (?, 'S1', 'T1', 'R1', 'f', 'k', ?, 1000, 'p', 'chief', 'cf', 'st', 'sig', 'broken', 60000, 1)`,
    );
    put.run('p1', 'exported');
    // A second package out for the same candidate and sitting is refused by the database itself.
    expect(() => put.run('p2', 'exported')).toThrow(/UNIQUE/);
    put.run('p3', 'cancelled');
    expect(() => put.run('p4', 'lost')).toThrow(/CHECK/);
    // STRICT: a time is an integer, never text.
    expect(() => db.prepare("UPDATE standalone_packages SET collected_at = 'soon'").run()).toThrow(
      /cannot store TEXT/,
    );
    const issue = db.prepare(
      'INSERT INTO standalone_challenges (challenge, connection_id, issued_at) VALUES (?, ?, ?)',
    );
    issue.run('c1', 'sock-1', 1000);
    expect(() => issue.run('c1', 'sock-2', 2000)).toThrow(/UNIQUE|PRIMARY/);
    db.close();
  });

  it('runs 0017 on the version before it: site backups per sitting, console backups per room, verified only with a hash', () => {
    const db = databaseAtVersion(migrations.indexOf(m0017Backups));
    expect(runMigrations(db, migrations, () => new Error('newer'))).toBe(migrations.length);
    const put = db.prepare(
      `INSERT INTO backups (kind, sitting_id, room_id, day, path, state, made_at) VALUES (?, ?, ?, '2021-10-23', '/b', ?, 1)`,
    );
    put.run('site', 'S1', null, 'making');
    put.run('site', null, null, 'failed');
    // A console backup names its room; kinds and states are the known ones.
    expect(() => put.run('console', null, null, 'making')).toThrow(/CHECK/);
    expect(() => put.run('tape', 'S1', null, 'making')).toThrow(/CHECK/);
    expect(() => put.run('site', 'S1', null, 'done')).toThrow(/CHECK/);
    // Verified only with what was checked: the hash, the size and when.
    expect(() => put.run('console', null, 'R1', 'verified')).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE backups SET size = 0 WHERE sitting_id = 'S1'").run()).toThrow(/CHECK/);
    db.close();
  });

  it('runs 0016 on the version before it: one upload per sitting and package, in known states only', () => {
    const db = databaseAtVersion(migrations.indexOf(m0016Uploads));
    expect(runMigrations(db, migrations, () => new Error('newer'))).toBe(migrations.length);
    const put = db.prepare(
      `INSERT INTO uploads (sitting_id, sha256, path, size, state, queued_at, updated_at)
       VALUES (?, ?, '/x.exampkg', 10, ?, 1000, 1000)`,
    );
    put.run('S1', 'a'.repeat(64), 'queued');
    // The same package of the same sitting is one upload; another package is another row.
    expect(() => put.run('S1', 'a'.repeat(64), 'queued')).toThrow(/UNIQUE|PRIMARY/);
    put.run('S1', 'b'.repeat(64), 'superseded');
    expect(() => put.run('S2', 'a'.repeat(64), 'sent')).toThrow(/CHECK/);
    expect(() => db.prepare('UPDATE uploads SET sent_offset = -1').run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE uploads SET receipt_verified_at = 'now'").run()).toThrow(
      /cannot store TEXT/,
    );
    expect(db.prepare("SELECT sent_offset, attempts FROM uploads WHERE state = 'queued'").get()).toEqual({
      sent_offset: 0,
      attempts: 0,
    });
    db.close();
  });

  it('runs 0018 on the version before it: one admin password, sessions by their cookie hash', () => {
    const db = databaseAtVersion(migrations.indexOf(m0018AdminSessionsAndCleanup));
    expect(runMigrations(db, migrations, () => new Error('newer'))).toBe(migrations.length);
    const setPassword = db.prepare(
      'INSERT INTO admin_password (id, scrypt, initial, set_at) VALUES (?, ?, ?, 1)',
    );
    setPassword.run(1, 'scrypt$…', 1);
    // One account: a second row, or a flag that is not 0/1, is refused.
    expect(() => setPassword.run(2, 'scrypt$…', 0)).toThrow(/CHECK/);
    expect(() => db.prepare('UPDATE admin_password SET initial = 2').run()).toThrow(/CHECK/);
    const session = db.prepare(
      "INSERT INTO admin_sessions (token_sha256, csrf, address, created_at, last_seen_at) VALUES (?, 'c', '127.0.0.1', 1, 1)",
    );
    session.run('a'.repeat(64));
    expect(() => session.run('a'.repeat(64))).toThrow(/UNIQUE|PRIMARY/);
    db.close();
  });

  it('runs 0019 on the version before it: one open transfer per candidate and sitting, states and outcomes checked', () => {
    const db = databaseAtVersion(migrations.indexOf(m0019OverbookingTransfers));
    expect(runMigrations(db, migrations, () => new Error('newer'))).toBe(migrations.length);
    // A candidate's sitting gains the room that took them in and a reserved seat, both empty.
    const columns = db.prepare('PRAGMA table_info(candidate_sittings)').all() as {
      name: string;
      dflt_value: null;
    }[];
    expect(columns.filter((c) => ['taken_in_room', 'reserved_seat'].includes(c.name))).toHaveLength(2);
    const out = db.prepare(
      `INSERT INTO transfers (sitting_id, ticket_no, from_room_id, state, reason, out_at, out_by_id, out_by_name)
       VALUES ('S1', '1', 'R1', 'out', 'full', 1000, 'p@x', 'p')`,
    );
    out.run();
    expect(() => out.run()).toThrow(/UNIQUE/);
    // Taken in names its room; resolved names its outcome.
    expect(() => db.prepare("UPDATE transfers SET state = 'in'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE transfers SET state = 'resolved'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE transfers SET state = 'resolved', outcome = 'lost'").run()).toThrow(
      /CHECK/,
    );
    db.prepare("UPDATE transfers SET state = 'resolved', outcome = 'absent'").run();
    // Once resolved, a new transfer of the same candidate may be opened.
    out.run();
    db.close();
  });

  it('refuses a database written by a newer server', () => {
    const path = tempDb();
    const db = new Database(path);
    db.pragma(`user_version = ${migrations.length + 1}`);
    db.close();
    expect(() => openDatabase(path)).toThrow(DatabaseFromTheFutureError);
  });
});
