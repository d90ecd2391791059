import type { AnswerValue } from '@exam/protocol';
import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

export interface AnswerChangeRow {
  ticket_no: string;
  sitting_id: string;
  seq: number;
  item_id: string;
  value: string;
  flagged: 0 | 1;
  received_at: number;
  after_hand_in: 0 | 1;
}

export interface NewChange {
  seq: number;
  itemId: string;
  value: AnswerValue;
  flagged: boolean;
}

/**
 * Stores one change idempotently: a sequence already stored is ignored, so duplicates and
 * reordering are stored once. Returns whether it was new.
 */
export function insertChange(
  db: Db,
  ticketNo: string,
  sittingId: string,
  c: NewChange,
  at: number,
  afterHandIn: boolean,
): boolean {
  return (
    stmt(
      db,
      `INSERT OR IGNORE INTO answer_changes
         (ticket_no, sitting_id, seq, item_id, value, flagged, received_at, after_hand_in)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      ticketNo,
      sittingId,
      c.seq,
      c.itemId,
      JSON.stringify(c.value),
      c.flagged ? 1 : 0,
      at,
      afterHandIn ? 1 : 0,
    ).changes > 0
  );
}

/** The highest sequence n such that 1..n are all stored, starting the walk at `from`. */
export function contiguousFrom(db: Db, ticketNo: string, sittingId: string, from: number): number {
  const rows = stmt(
    db,
    'SELECT seq FROM answer_changes WHERE ticket_no = ? AND sitting_id = ? AND seq > ? ORDER BY seq',
  )
    .pluck()
    .all(ticketNo, sittingId, from) as number[];
  let ack = from;
  for (const seq of rows) {
    if (seq !== ack + 1) break;
    ack = seq;
  }
  return ack;
}

export function maxSeq(db: Db, ticketNo: string, sittingId: string): number {
  const row = stmt(db, 'SELECT max(seq) AS m FROM answer_changes WHERE ticket_no = ? AND sitting_id = ?').get(
    ticketNo,
    sittingId,
  ) as { m: number | null };
  return row.m ?? 0;
}

export interface CurrentAnswerRow {
  item_id: string;
  seq: number;
  value: string;
  flagged: 0 | 1;
}

/**
 * Each item's latest stored change (the highest sequence wins, whatever order they
 * arrived in). Derived from the change log: SQLite takes the bare columns of a `max()`
 * aggregate from the row holding the maximum.
 */
export function currentAnswers(db: Db, ticketNo: string, sittingId: string): CurrentAnswerRow[] {
  return stmt(
    db,
    `SELECT item_id, max(seq) AS seq, value, flagged FROM answer_changes
     WHERE ticket_no = ? AND sitting_id = ? GROUP BY item_id ORDER BY item_id`,
  ).all(ticketNo, sittingId) as CurrentAnswerRow[];
}

export function listChanges(db: Db, ticketNo: string, sittingId: string): AnswerChangeRow[] {
  return stmt(db, 'SELECT * FROM answer_changes WHERE ticket_no = ? AND sitting_id = ? ORDER BY seq').all(
    ticketNo,
    sittingId,
  ) as AnswerChangeRow[];
}

export function countChanges(db: Db): number {
  return (stmt(db, 'SELECT count(*) AS n FROM answer_changes').get() as { n: number }).n;
}

export function hasChange(db: Db, ticketNo: string, sittingId: string, seq: number): boolean {
  return (
    stmt(db, 'SELECT 1 FROM answer_changes WHERE ticket_no = ? AND sitting_id = ? AND seq = ?').get(
      ticketNo,
      sittingId,
      seq,
    ) !== undefined
  );
}

/** Changes of a room's candidates above what a console already holds, for its replica. */
export function listRoomChangesSince(
  db: Db,
  roomId: string,
  sittingId: string,
  have: Record<string, number>,
): AnswerChangeRow[] {
  const rows = stmt(
    db,
    `SELECT a.* FROM answer_changes a JOIN candidates c USING (ticket_no)
     WHERE c.room_id = ? AND a.sitting_id = ? ORDER BY a.ticket_no, a.seq`,
  ).all(roomId, sittingId) as AnswerChangeRow[];
  return rows.filter((r) => r.seq > (have[r.ticket_no] ?? 0));
}
