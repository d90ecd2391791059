import type { ReplicaChange } from '@exam/protocol';
import type { Db } from './openDb.js';
import { stmt } from './statements.js';

/** Mirrors the `answer_changes` table exactly; converted to the protocol's shapes here only. */
export interface ReplicaChangeRow {
  ticket_no: string;
  sitting_id: string;
  seq: number;
  item_id: string;
  value: string;
  flagged: 0 | 1;
  received_at: number;
  made_at: number;
}

function toChange(row: ReplicaChangeRow): ReplicaChange {
  return {
    ticketNo: row.ticket_no,
    sittingId: row.sitting_id,
    seq: row.seq,
    itemId: row.item_id,
    value: JSON.parse(row.value),
    flagged: row.flagged === 1,
    madeAt: row.made_at,
    receivedAt: row.received_at,
  };
}

/**
 * Idempotent: a change already held (pushed, then pulled again) is ignored, and the first
 * copy stays, as on the server, which also keeps the first copy of a sequence.
 */
export function insertChange(db: Db, c: ReplicaChange): boolean {
  return (
    stmt(
      db,
      `INSERT OR IGNORE INTO answer_changes
         (ticket_no, sitting_id, seq, item_id, value, flagged, received_at, made_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      c.ticketNo,
      c.sittingId,
      c.seq,
      c.itemId,
      JSON.stringify(c.value),
      c.flagged ? 1 : 0,
      c.receivedAt,
      c.madeAt,
    ).changes === 1
  );
}

/** Per candidate, the highest sequence held (gaps below it are possible). */
export function maxSeqByTicket(db: Db, sittingId: string): Record<string, number> {
  const rows = stmt(
    db,
    'SELECT ticket_no, max(seq) AS seq FROM answer_changes WHERE sitting_id = ? GROUP BY ticket_no',
  ).all(sittingId) as { ticket_no: string; seq: number }[];
  return Object.fromEntries(rows.map((r) => [r.ticket_no, r.seq]));
}

/**
 * Per candidate, the highest n such that every sequence 1..n is held: the end of the first
 * run, when that run starts at 1. Candidates without sequence 1 are left out (0).
 */
export function heldThroughByTicket(db: Db, sittingId: string): Record<string, number> {
  const rows = stmt(
    db,
    `SELECT c.ticket_no, min(c.seq) AS seq FROM answer_changes c
     WHERE c.sitting_id = ?
       AND EXISTS (SELECT 1 FROM answer_changes f
                   WHERE f.ticket_no = c.ticket_no AND f.sitting_id = c.sitting_id AND f.seq = 1)
       AND NOT EXISTS (SELECT 1 FROM answer_changes n
                       WHERE n.ticket_no = c.ticket_no AND n.sitting_id = c.sitting_id AND n.seq = c.seq + 1)
     GROUP BY c.ticket_no`,
  ).all(sittingId) as { ticket_no: string; seq: number }[];
  return Object.fromEntries(rows.map((r) => [r.ticket_no, r.seq]));
}

/** An item's latest change, as the console shows a candidate's answers. */
export type ReplicaAnswer = Pick<ReplicaChange, 'itemId' | 'value' | 'flagged' | 'seq'>;

/**
 * The latest change per item. SQLite documents that with a bare max() the other columns
 * come from the row holding the maximum, which is exactly "latest value and flag".
 */
export function latestPerItem(db: Db, sittingId: string, ticketNo: string): ReplicaAnswer[] {
  const rows = stmt(
    db,
    `SELECT item_id, max(seq) AS seq, value, flagged FROM answer_changes
     WHERE ticket_no = ? AND sitting_id = ? GROUP BY item_id ORDER BY item_id`,
  ).all(ticketNo, sittingId) as Pick<ReplicaChangeRow, 'item_id' | 'seq' | 'value' | 'flagged'>[];
  return rows.map((r) => ({
    itemId: r.item_id,
    value: JSON.parse(r.value),
    flagged: r.flagged === 1,
    seq: r.seq,
  }));
}

export function countChanges(db: Db): number {
  return (stmt(db, 'SELECT count(*) AS n FROM answer_changes').get() as { n: number }).n;
}

export function allChanges(db: Db): ReplicaChange[] {
  const rows = stmt(
    db,
    'SELECT * FROM answer_changes ORDER BY sitting_id, ticket_no, seq',
  ).all() as ReplicaChangeRow[];
  return rows.map(toChange);
}
