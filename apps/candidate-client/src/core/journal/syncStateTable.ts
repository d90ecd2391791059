import type { Db } from './openDb.js';
import { stmt } from './statements.js';
import type { SittingRef } from './types.js';

/** Mirrors the `sync_state` table. */
export interface SyncStateRow {
  ack_seq: number;
  seq_floor: number;
}

export function getSyncState(db: Db, ref: SittingRef): SyncStateRow {
  const row = stmt(
    db,
    'SELECT ack_seq, seq_floor FROM sync_state WHERE ticket_no = ? AND sitting_id = ?',
  ).get(ref.ticketNo, ref.sittingId) as SyncStateRow | undefined;
  return row ?? { ack_seq: 0, seq_floor: 0 };
}

/** Acks only move forward; a late or duplicated ack for a lower sequence changes nothing. */
export function raiseAck(db: Db, ref: SittingRef, ackSeq: number): void {
  stmt(
    db,
    `INSERT INTO sync_state (ticket_no, sitting_id, ack_seq, seq_floor) VALUES (?, ?, ?, ?)
     ON CONFLICT (ticket_no, sitting_id) DO UPDATE SET
       ack_seq = max(ack_seq, excluded.ack_seq), seq_floor = max(seq_floor, excluded.seq_floor)`,
  ).run(ref.ticketNo, ref.sittingId, ackSeq, ackSeq);
}

/** After adopting the server's state its word replaces ours, even if it is lower. */
export function setSyncState(db: Db, ref: SittingRef, ackSeq: number, seqFloor: number): void {
  stmt(
    db,
    `INSERT INTO sync_state (ticket_no, sitting_id, ack_seq, seq_floor) VALUES (?, ?, ?, ?)
     ON CONFLICT (ticket_no, sitting_id) DO UPDATE SET ack_seq = excluded.ack_seq, seq_floor = excluded.seq_floor`,
  ).run(ref.ticketNo, ref.sittingId, ackSeq, seqFloor);
}

/** Pointers of sittings with no change left here, other than `keep`'s. */
export function deleteIdleSyncStates(db: Db, keep: SittingRef | null): void {
  stmt(
    db,
    `DELETE FROM sync_state WHERE NOT (ticket_no IS ? AND sitting_id IS ?)
     AND NOT EXISTS (SELECT 1 FROM answer_changes c
       WHERE c.ticket_no = sync_state.ticket_no AND c.sitting_id = sync_state.sitting_id)`,
  ).run(keep?.ticketNo ?? null, keep?.sittingId ?? null);
}
