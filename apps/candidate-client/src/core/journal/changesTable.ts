import type { AnswerValue } from '@exam/protocol';
import type { Db } from './openDb.js';
import { stmt } from './statements.js';
import type { CurrentAnswer, JournalChange, SittingRef } from './types.js';

/** Mirrors the `answer_changes` table exactly; converted to the journal's shapes here only. */
export interface AnswerChangeRow {
  ticket_no: string;
  sitting_id: string;
  seq: number;
  item_id: string;
  value: string;
  flagged: 0 | 1;
  made_at: number;
  acked: 0 | 1;
}

function toChange(row: AnswerChangeRow): JournalChange {
  return {
    ticketNo: row.ticket_no,
    sittingId: row.sitting_id,
    seq: row.seq,
    itemId: row.item_id,
    value: JSON.parse(row.value) as AnswerValue,
    flagged: row.flagged === 1,
    madeAt: row.made_at,
    acked: row.acked === 1,
  };
}

export function insertChange(db: Db, c: JournalChange): void {
  stmt(
    db,
    `INSERT INTO answer_changes (ticket_no, sitting_id, seq, item_id, value, flagged, made_at, acked)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    c.ticketNo,
    c.sittingId,
    c.seq,
    c.itemId,
    JSON.stringify(c.value),
    c.flagged ? 1 : 0,
    c.madeAt,
    c.acked ? 1 : 0,
  );
}

export function maxSeq(db: Db, ref: SittingRef): number {
  const row = stmt(db, 'SELECT max(seq) AS m FROM answer_changes WHERE ticket_no = ? AND sitting_id = ?').get(
    ref.ticketNo,
    ref.sittingId,
  ) as { m: number | null };
  return row.m ?? 0;
}

export function markAcked(db: Db, ref: SittingRef, upTo: number): number {
  return stmt(
    db,
    'UPDATE answer_changes SET acked = 1 WHERE ticket_no = ? AND sitting_id = ? AND seq <= ? AND acked = 0',
  ).run(ref.ticketNo, ref.sittingId, upTo).changes;
}

export function unackedChanges(db: Db, ref: SittingRef, limit: number): JournalChange[] {
  const rows = stmt(
    db,
    `SELECT * FROM answer_changes WHERE ticket_no = ? AND sitting_id = ? AND acked = 0
     ORDER BY seq LIMIT ?`,
  ).all(ref.ticketNo, ref.sittingId, limit) as AnswerChangeRow[];
  return rows.map(toChange);
}

export function countUnacked(db: Db, ref: SittingRef): number {
  return (
    stmt(
      db,
      'SELECT count(*) AS n FROM answer_changes WHERE ticket_no = ? AND sitting_id = ? AND acked = 0',
    ).get(ref.ticketNo, ref.sittingId) as { n: number }
  ).n;
}

/**
 * The latest change per item. SQLite documents that with a bare max() the other columns
 * come from the row holding the maximum, which is exactly "latest value and flag".
 */
export function latestPerItem(db: Db, ref: SittingRef): CurrentAnswer[] {
  const rows = stmt(
    db,
    `SELECT item_id, max(seq) AS seq, value, flagged, acked FROM answer_changes
     WHERE ticket_no = ? AND sitting_id = ? GROUP BY item_id ORDER BY item_id`,
  ).all(ref.ticketNo, ref.sittingId) as Pick<
    AnswerChangeRow,
    'item_id' | 'seq' | 'value' | 'flagged' | 'acked'
  >[];
  return rows.map((r) => ({
    itemId: r.item_id,
    value: JSON.parse(r.value) as AnswerValue,
    flagged: r.flagged === 1,
    seq: r.seq,
    acked: r.acked === 1,
  }));
}

export function deleteUpTo(db: Db, ref: SittingRef, seq: number): void {
  stmt(db, 'DELETE FROM answer_changes WHERE ticket_no = ? AND sitting_id = ? AND seq <= ?').run(
    ref.ticketNo,
    ref.sittingId,
    seq,
  );
}

export function markUnackedAbove(db: Db, ref: SittingRef, seq: number): void {
  stmt(db, 'UPDATE answer_changes SET acked = 0 WHERE ticket_no = ? AND sitting_id = ? AND seq > ?').run(
    ref.ticketNo,
    ref.sittingId,
    seq,
  );
}

/**
 * Acknowledged changes of every sitting but `keep` (the current session's, whose answers
 * are on screen): the server holds them, so a machine serving the whole day drops them.
 */
export function deleteAckedExcept(db: Db, keep: SittingRef | null): void {
  stmt(
    db,
    `DELETE FROM answer_changes WHERE acked = 1
     AND NOT (ticket_no IS ? AND sitting_id IS ?)`,
  ).run(keep?.ticketNo ?? null, keep?.sittingId ?? null);
}

export function deleteAllOf(db: Db, ref: SittingRef): void {
  stmt(db, 'DELETE FROM answer_changes WHERE ticket_no = ? AND sitting_id = ?').run(
    ref.ticketNo,
    ref.sittingId,
  );
}

/** Every change above `seq`, in sequence order: what a standalone answer file carries (issue 17). */
export function changesAbove(db: Db, ref: SittingRef, seq: number): JournalChange[] {
  const rows = stmt(
    db,
    'SELECT * FROM answer_changes WHERE ticket_no = ? AND sitting_id = ? AND seq > ? ORDER BY seq',
  ).all(ref.ticketNo, ref.sittingId, seq) as AnswerChangeRow[];
  return rows.map(toChange);
}
