import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnswerValue } from '@exam/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getRoomCandidate } from '../candidates/candidateSittingsTable.js';
import { type Db, openDatabase } from '../db/open.js';
import { AnsweredItems } from './answeredItems.js';
import { currentAnswers } from './answersTable.js';
import { commitSaves } from './commitSaves.js';

// A real site database file; the writer's commit, called here on the test's thread.
let dir: string;
let db: Db;
const T = 'T-0001';
const S = 'S-1';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'answered-'));
  db = openDatabase(join(dir, 'site.db'));
  db.exec(`
    INSERT INTO rooms VALUES ('R1', 'Room 1', 40);
    INSERT INTO sittings VALUES ('${S}', 'B1', 'ECON', 'Economics', 'junior', 0, 0, 'P1', 'sealed');
    INSERT INTO candidates VALUES ('${T}', 'id', 'Name', 'F', 'junior', 'econ', 'R1', 1);
    INSERT INTO candidate_sittings (ticket_no, sitting_id, status) VALUES ('${T}', '${S}', 'in-progress');
  `);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const save = (seq: number, itemId: string, value: AnswerValue, ticketNo = T) => ({
  roomId: 'R1',
  ticketNo,
  sittingId: S,
  changes: [{ seq, itemId, value, flagged: false, madeAt: seq * 1_000 }],
});
const answered = () => getRoomCandidate(db, T, S)?.answered;

describe('the answered count on a proctor tile', () => {
  it('follows each item’s latest change: an answer, a cleared answer, a late older change, a repeat', () => {
    const items = new AnsweredItems();
    commitSaves(db, items, [save(1, 'Q1', ['B']), save(2, 'Q2', '需求曲线向右移动')], 1);
    expect(answered()).toBe(2);

    // The commit reports the new count too: the tile's progress comes from it.
    expect(commitSaves(db, items, [save(4, 'Q1', [])], 2)).toEqual([
      { ackSeq: 2, lateArrival: false, answered: 1 },
    ]);
    expect(answered()).toBe(1);

    // Sequence 3 was sent before 4 and arrives after it: stored, and not the current answer.
    commitSaves(db, items, [save(3, 'Q1', ['C'])], 3);
    expect(answered()).toBe(1);
    expect(currentAnswers(db, T, S).map((a) => [a.itemId, a.seq, a.value])).toEqual([
      ['Q1', 4, []],
      ['Q2', 2, '需求曲线向右移动'],
    ]);

    commitSaves(db, items, [save(2, 'Q2', '需求曲线向右移动')], 4);
    expect(answered()).toBe(1);

    // A save carrying another change on a stored sequence (issue 16) is refused whole: its
    // new change is not stored either, and the count (in memory too) does not move.
    const conflicting = save(5, 'Q3', 'x');
    conflicting.changes.push(save(2, 'Q2', '').changes[0]!);
    expect(commitSaves(db, items, [conflicting], 5)).toEqual([
      { ackSeq: 4, refused: 'SEQ_CONFLICT', lateArrival: false, answered: 1 },
    ]);
    expect(answered()).toBe(1);
    commitSaves(db, items, [save(5, 'Q3', 'x')], 6);
    expect(answered()).toBe(2);
  });

  it('goes on from the database when the writer starts afresh', () => {
    commitSaves(db, new AnsweredItems(), [save(1, 'Q1', ['B']), save(2, 'Q2', true)], 1);
    const restarted = new AnsweredItems();
    commitSaves(db, restarted, [save(3, 'Q2', ''), save(4, 'Q3', 'x')], 2);
    expect(answered()).toBe(2);
  });

  it('does not count what a failed batch would have stored', () => {
    const items = new AnsweredItems();
    commitSaves(db, items, [save(1, 'Q1', ['B'])], 1);
    // The second save names no candidate sitting: the batch rolls back, the first save with it.
    expect(() => commitSaves(db, items, [save(2, 'Q2', ['A']), save(1, 'Q1', ['A'], 'T-none')], 2)).toThrow(
      /no candidate sitting/,
    );
    expect(answered()).toBe(1);
    // Sent again, it is stored now, and counted once.
    commitSaves(db, items, [save(2, 'Q2', ['A'])], 3);
    expect(answered()).toBe(2);
  });
});
