import type { AnswerChange, AnswerChangeRecord, ReplicaChange, ServerAnswer } from '@exam/protocol';
import { IN_ROOM_SQL } from '../candidates/candidateSittingsTable.js';
import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

/** Mirrors the `answer_changes` table exactly; converted to the protocol's shapes here only. */
export interface AnswerChangeRow {
  ticket_no: string;
  sitting_id: string;
  seq: number;
  item_id: string;
  value: string;
  flagged: 0 | 1;
  received_at: number;
  /** No longer written (issue 16: changes after a hand-in are refused); 0 on every new row. */
  after_hand_in: 0 | 1;
  made_at: number;
  late_arrival: 0 | 1;
  /** The standalone package the change came home in (issue 17); null: made online. */
  standalone_package_id: string | null;
}

function toRecord(row: AnswerChangeRow): AnswerChangeRecord {
  return {
    seq: row.seq,
    itemId: row.item_id,
    value: JSON.parse(row.value),
    flagged: row.flagged === 1,
    madeAt: row.made_at,
    receivedAt: row.received_at,
    lateArrival: row.late_arrival === 1,
    // Only a standalone change says where it was made: online records keep their old shape.
    ...(row.standalone_package_id !== null
      ? { source: 'standalone' as const, standalonePackageId: row.standalone_package_id }
      : {}),
  };
}

function toReplicaChange(row: AnswerChangeRow): ReplicaChange {
  return { ticketNo: row.ticket_no, sittingId: row.sitting_id, ...toRecord(row) };
}

/** What storing one change did: new, the same change again, or a different one on its seq. */
export type InsertOutcome = 'stored' | 'duplicate' | 'conflict';

/**
 * Stores one change idempotently: a sequence already stored with the same content is a
 * re-send (duplicates and reordering are stored once); already stored with other content, it
 * is a conflict the caller must refuse, never acknowledge (issue 16: a second session filled
 * the victim's sequences). The received time and the late mark are not content.
 */
export function insertChange(
  db: Db,
  ticketNo: string,
  sittingId: string,
  c: AnswerChange,
  at: number,
  lateArrival: boolean,
): InsertOutcome {
  const value = JSON.stringify(c.value);
  const flagged = c.flagged ? 1 : 0;
  const inserted =
    stmt(
      db,
      `INSERT OR IGNORE INTO answer_changes
         (ticket_no, sitting_id, seq, item_id, value, flagged, received_at, made_at, late_arrival)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(ticketNo, sittingId, c.seq, c.itemId, value, flagged, at, c.madeAt, lateArrival ? 1 : 0).changes >
    0;
  if (inserted) return 'stored';
  const same = stmt(
    db,
    `SELECT 1 FROM answer_changes WHERE ticket_no = ? AND sitting_id = ? AND seq = ?
       AND item_id = ? AND value = ? AND flagged = ? AND made_at = ?`,
  ).get(ticketNo, sittingId, c.seq, c.itemId, value, flagged, c.madeAt);
  return same !== undefined ? 'duplicate' : 'conflict';
}

/** Marks a change just stored from a standalone answer file with the package it came in. */
export function markStandaloneChange(
  db: Db,
  ticketNo: string,
  sittingId: string,
  seq: number,
  packageId: string,
): void {
  stmt(
    db,
    'UPDATE answer_changes SET standalone_package_id = ? WHERE ticket_no = ? AND sitting_id = ? AND seq = ?',
  ).run(packageId, ticketNo, sittingId, seq);
}

/**
 * The runs of sequences above `from` (up to `to`) that are not stored, as [first, last]
 * pairs: built from the stored rows, never by counting through the numbers, so a claimed
 * sequence of 10,000,000 costs what is stored, not what was claimed.
 */
export function missingSeqRanges(
  db: Db,
  ticketNo: string,
  sittingId: string,
  from: number,
  to: number,
): [number, number][] {
  const stored = stmt(
    db,
    'SELECT seq FROM answer_changes WHERE ticket_no = ? AND sitting_id = ? AND seq > ? AND seq <= ? ORDER BY seq',
  )
    .pluck()
    .all(ticketNo, sittingId, from, to) as number[];
  const missing: [number, number][] = [];
  let next = from + 1;
  for (const seq of [...stored, to + 1]) {
    if (seq > next) missing.push([next, seq - 1]);
    next = seq + 1;
  }
  return missing;
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

/**
 * Each item's latest stored change (the highest sequence wins, whatever order they
 * arrived in). Derived from the change log: SQLite takes the bare columns of a `max()`
 * aggregate from the row holding the maximum.
 */
export function currentAnswers(db: Db, ticketNo: string, sittingId: string): ServerAnswer[] {
  const rows = stmt(
    db,
    `SELECT item_id, max(seq) AS seq, value, flagged FROM answer_changes
     WHERE ticket_no = ? AND sitting_id = ? GROUP BY item_id ORDER BY item_id`,
  ).all(ticketNo, sittingId) as Pick<AnswerChangeRow, 'item_id' | 'seq' | 'value' | 'flagged'>[];
  return rows.map((r) => ({
    itemId: r.item_id,
    value: JSON.parse(r.value),
    flagged: r.flagged === 1,
    seq: r.seq,
  }));
}

/** A candidate's changes in sequence order, as stored (and packaged). */
export function listChanges(db: Db, ticketNo: string, sittingId: string): AnswerChangeRecord[] {
  const rows = stmt(
    db,
    'SELECT * FROM answer_changes WHERE ticket_no = ? AND sitting_id = ? ORDER BY seq',
  ).all(ticketNo, sittingId) as AnswerChangeRow[];
  return rows.map(toRecord);
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
): ReplicaChange[] {
  const rows = stmt(
    db,
    `SELECT a.* FROM answer_changes a
       JOIN candidate_sittings cs ON cs.ticket_no = a.ticket_no AND cs.sitting_id = a.sitting_id
       JOIN candidates c ON c.ticket_no = a.ticket_no
     WHERE ${IN_ROOM_SQL} AND a.sitting_id = ? ORDER BY a.ticket_no, a.seq`,
  ).all(roomId, roomId, roomId, sittingId) as AnswerChangeRow[];
  return rows.filter((r) => r.seq > (have[r.ticket_no] ?? 0)).map(toReplicaChange);
}
