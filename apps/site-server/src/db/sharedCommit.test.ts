import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDurableConnection } from '@exam/sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from './open.js';
import { SharedCommit } from './sharedCommit.js';
import { writeTransaction } from './transactions.js';

// The main thread's connection and another one, as the answer writer thread holds it.
let dir: string;
let main: Db;
let other: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'site-shared-'));
  const path = join(dir, 'site.db');
  main = openDurableConnection(path);
  main.exec(
    'CREATE TABLE logins (who TEXT NOT NULL) STRICT; CREATE TABLE failures (who TEXT NOT NULL) STRICT;',
  );
  other = openDurableConnection(path);
});

afterEach(() => {
  main.close();
  other.close();
  rmSync(dir, { recursive: true, force: true });
});

const names = (db: Db, table: string) =>
  db.prepare(`SELECT who FROM ${table} ORDER BY rowid`).pluck().all() as string[];
const login = (who: string) => () =>
  writeTransaction(main, () => {
    main.prepare('INSERT INTO logins VALUES (?)').run(who);
    return who;
  });

describe('SharedCommit', () => {
  it('answers the jobs of one turn only once their shared commit is visible to another connection', async () => {
    const shared = new SharedCommit(main);
    const replies = ['a', 'b', 'c'].map((who) => shared.run(login(who)));
    // Queued, not yet committed: nobody else can see them, and nobody has been answered.
    expect(names(other, 'logins')).toEqual([]);
    const seenAtReply: string[][] = [];
    await Promise.all(replies.map((r) => r.then(() => seenAtReply.push(names(other, 'logins')))));
    expect(await Promise.all(replies)).toEqual(['a', 'b', 'c']);
    for (const seen of seenAtReply) expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('keeps what a failing job wrote before its failure and nothing of the transaction that threw', async () => {
    const shared = new SharedCommit(main);
    const ok = shared.run(login('first'));
    const refused = shared.run(() => {
      // A wrong ID number: the lock-out count is written, then the login is refused.
      writeTransaction(main, () => main.prepare("INSERT INTO failures VALUES ('guesser')").run());
      writeTransaction(main, () => {
        main.prepare("INSERT INTO logins VALUES ('guesser')").run();
        throw new Error('LOGIN_FAILED');
      });
    });
    const after = shared.run(login('after'));
    await expect(refused).rejects.toThrow('LOGIN_FAILED');
    expect(await ok).toBe('first');
    expect(await after).toBe('after');
    expect(names(other, 'logins')).toEqual(['first', 'after']);
    expect(names(other, 'failures')).toEqual(['guesser']);
  });

  it('lets each job see what the jobs before it in the same turn wrote', async () => {
    const shared = new SharedCommit(main);
    const once = (who: string) => () =>
      writeTransaction(main, () => {
        const already = main.prepare('SELECT count(*) FROM logins WHERE who = ?').pluck().get(who) as number;
        if (already > 0) throw new Error('ALREADY_LOGGED_IN');
        main.prepare('INSERT INTO logins VALUES (?)').run(who);
      });
    const first = shared.run(once('x'));
    const second = shared.run(once('x'));
    await first;
    await expect(second).rejects.toThrow('ALREADY_LOGGED_IN');
    expect(names(other, 'logins')).toEqual(['x']);
  });
});
