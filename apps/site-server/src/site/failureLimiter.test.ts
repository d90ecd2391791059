import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/open.js';
import { FailureLimiter } from './failureLimiter.js';

const dirs: string[] = [];
function tempDbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'limiter-'));
  dirs.push(dir);
  return join(dir, 'site.db');
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const RULE = { maxFailures: 3, windowMs: 1000 };

describe('failure limiter (lock-outs)', () => {
  it('blocks a key after the rule’s failures within its window, until the oldest ages out', () => {
    const db = openDatabase(tempDbPath());
    const limiter = new FailureLimiter(db, 'login-machine', RULE);
    for (const t of [0, 100, 200]) limiter.recordFailure('m1', t);
    expect(limiter.isBlocked('m1', 300)).toBe(true);
    expect(limiter.isBlocked('m2', 300)).toBe(false);
    expect(limiter.isBlocked('m1', 1000)).toBe(false);
    limiter.reset('m1');
    expect(limiter.isBlocked('m1', 300)).toBe(false);
    db.close();
  });

  it('keeps a lock-out across a restart of the server (a new connection to the same file)', () => {
    const path = tempDbPath();
    const before = openDatabase(path);
    const limiter = new FailureLimiter(before, 'login-ticket', RULE);
    for (const t of [0, 1, 2]) limiter.recordFailure('T1', t);
    before.close();
    const after = openDatabase(path);
    expect(new FailureLimiter(after, 'login-ticket', RULE).isBlocked('T1', 10)).toBe(true);
    // Scopes are separate counts: the ticket's failures do not lock a room's codes.
    expect(new FailureLimiter(after, 'approval-room', RULE).isBlocked('T1', 10)).toBe(false);
    after.close();
  });

  it('keeps no more rows per key than one window holds', () => {
    const db = openDatabase(tempDbPath());
    const limiter = new FailureLimiter(db, 'login-machine', RULE);
    for (let t = 0; t < 50; t++) limiter.recordFailure('m1', t * 500);
    const { n } = db.prepare('SELECT count(*) AS n FROM lockout_failures').get() as { n: number };
    expect(n).toBeLessThanOrEqual(3);
    db.close();
  });
});
