import type { CandidateStatus } from '@exam/protocol';
import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

export interface CandidateSittingRow {
  ticket_no: string;
  sitting_id: string;
  status: CandidateStatus;
  machine_id: string | null;
  seat_no: number | null;
  session_token_hash: string | null;
  logged_in_at: number | null;
  extension_ms: number;
  ack_seq: number;
  max_seq: number;
  last_sync_at: number | null;
  handed_in_at: number | null;
  hand_in_kind: 'manual' | 'auto' | null;
  reset_pending: 0 | 1;
  down_since: number | null;
  /** The latest moment the server lost this candidate's machine; kept when they are back. */
  last_down_at: number | null;
  suggested_extension_ms: number;
  /** Items whose latest stored change is an answer (kept by the answer writer). */
  answered: number;
  /** The room that took the candidate in for this sitting (issue 19); null: their arranged room. */
  taken_in_room: string | null;
  /** The seat a proctor drew and confirmed for them at an overbooked site, until they log in there. */
  reserved_seat: number | null;
}

/**
 * A room's candidates of a sitting: those arranged there and not taken in elsewhere, and
 * those it took in (issue 19). Three `?`, each the room id; the IN list keeps both lookups
 * on their indexes.
 */
export const IN_ROOM_SQL = `cs.ticket_no IN (SELECT ticket_no FROM candidates WHERE room_id = ?
    UNION SELECT ticket_no FROM candidate_sittings WHERE taken_in_room = ?)
  AND coalesce(cs.taken_in_room, c.room_id) = ?`;
const inRoom = (roomId: string) => [roomId, roomId, roomId];

export function ensureCandidateSitting(db: Db, ticketNo: string, sittingId: string): void {
  stmt(db, 'INSERT OR IGNORE INTO candidate_sittings (ticket_no, sitting_id) VALUES (?, ?)').run(
    ticketNo,
    sittingId,
  );
}

export function getCandidateSitting(
  db: Db,
  ticketNo: string,
  sittingId: string,
): CandidateSittingRow | undefined {
  return stmt(db, 'SELECT * FROM candidate_sittings WHERE ticket_no = ? AND sitting_id = ?').get(
    ticketNo,
    sittingId,
  ) as CandidateSittingRow | undefined;
}

type SyncState = Pick<
  CandidateSittingRow,
  | 'status'
  | 'ack_seq'
  | 'max_seq'
  | 'answered'
  | 'handed_in_at'
  | 'hand_in_kind'
  | 'extension_ms'
  | 'down_since'
  | 'last_down_at'
>;

/** What the answer writer needs of a candidate's sitting, and no more (it runs per save). */
export function getSyncState(db: Db, ticketNo: string, sittingId: string): SyncState | undefined {
  return stmt(
    db,
    `SELECT status, ack_seq, max_seq, answered, handed_in_at, hand_in_kind, extension_ms, down_since,
       last_down_at FROM candidate_sittings WHERE ticket_no = ? AND sitting_id = ?`,
  ).get(ticketNo, sittingId) as SyncState | undefined;
}

export function findBySessionHash(db: Db, tokenHash: string): CandidateSittingRow | undefined {
  return stmt(db, 'SELECT * FROM candidate_sittings WHERE session_token_hash = ?').get(tokenHash) as
    | CandidateSittingRow
    | undefined;
}

/** A candidate's sittings in schedule order, to pick the one they are here for now. */
export function listSittingsOfCandidate(db: Db, ticketNo: string): CandidateSittingRow[] {
  return stmt(
    db,
    `SELECT cs.* FROM candidate_sittings cs JOIN sittings s USING (sitting_id)
     WHERE cs.ticket_no = ? ORDER BY s.scheduled_start, cs.sitting_id`,
  ).all(ticketNo) as CandidateSittingRow[];
}

export interface RoomCandidateRow extends CandidateSittingRow {
  name: string;
  room_id: string;
  assigned_seat: number | null;
  level: 'junior' | 'intermediate' | 'senior';
  violations: number;
}

export function listRoomCandidates(db: Db, roomId: string, sittingId?: string): RoomCandidateRow[] {
  const sql = `SELECT cs.*, c.name, coalesce(cs.taken_in_room, c.room_id) AS room_id,
      c.seat_no AS assigned_seat, c.level,
      (SELECT count(*) FROM violations v
        WHERE v.ticket_no = cs.ticket_no AND v.sitting_id = cs.sitting_id) AS violations
    FROM candidate_sittings cs JOIN candidates c USING (ticket_no)
    WHERE ${IN_ROOM_SQL} ${sittingId ? 'AND cs.sitting_id = ?' : ''}
    ORDER BY cs.sitting_id, coalesce(cs.seat_no, c.seat_no, 9999), cs.ticket_no`;
  const args = sittingId ? [...inRoom(roomId), sittingId] : inRoom(roomId);
  return stmt(db, sql).all(...args) as RoomCandidateRow[];
}

export function getRoomCandidate(db: Db, ticketNo: string, sittingId: string): RoomCandidateRow | undefined {
  return stmt(
    db,
    `SELECT cs.*, c.name, coalesce(cs.taken_in_room, c.room_id) AS room_id,
      c.seat_no AS assigned_seat, c.level,
      (SELECT count(*) FROM violations v
        WHERE v.ticket_no = cs.ticket_no AND v.sitting_id = cs.sitting_id) AS violations
     FROM candidate_sittings cs JOIN candidates c USING (ticket_no)
     WHERE cs.ticket_no = ? AND cs.sitting_id = ?`,
  ).get(ticketNo, sittingId) as RoomCandidateRow | undefined;
}

export function recordLogin(
  db: Db,
  ticketNo: string,
  sittingId: string,
  machineId: string,
  seatNo: number,
  tokenHash: string,
  at: number,
  status: CandidateStatus,
): void {
  stmt(
    db,
    `UPDATE candidate_sittings SET machine_id = ?, seat_no = ?, session_token_hash = ?,
       logged_in_at = coalesce(logged_in_at, ?), status = ?
     WHERE ticket_no = ? AND sitting_id = ?`,
  ).run(machineId, seatNo, tokenHash, at, status, ticketNo, sittingId);
}

export function setStatus(db: Db, ticketNo: string, sittingId: string, status: CandidateStatus): void {
  stmt(db, 'UPDATE candidate_sittings SET status = ? WHERE ticket_no = ? AND sitting_id = ?').run(
    status,
    ticketNo,
    sittingId,
  );
}

export function markHandedIn(
  db: Db,
  ticketNo: string,
  sittingId: string,
  at: number,
  kind: 'manual' | 'auto',
): void {
  stmt(
    db,
    `UPDATE candidate_sittings SET status = 'handed-in', handed_in_at = ?, hand_in_kind = ?
     WHERE ticket_no = ? AND sitting_id = ?`,
  ).run(at, kind, ticketNo, sittingId);
}

export function updateSyncState(
  db: Db,
  ticketNo: string,
  sittingId: string,
  s: { ackSeq: number; maxSeq: number; answeredDelta: number },
  at: number,
): void {
  stmt(
    db,
    `UPDATE candidate_sittings SET ack_seq = ?, max_seq = ?, answered = answered + ?, last_sync_at = ?
     WHERE ticket_no = ? AND sitting_id = ?`,
  ).run(s.ackSeq, s.maxSeq, s.answeredDelta, at, ticketNo, sittingId);
}

/** Candidates of a room still answering (or logged in before the start) for a sitting. */
export function listActiveInRoom(db: Db, roomId: string, sittingId: string): CandidateSittingRow[] {
  return stmt(
    db,
    `SELECT cs.* FROM candidate_sittings cs JOIN candidates c USING (ticket_no)
     WHERE ${IN_ROOM_SQL} AND cs.sitting_id = ? AND cs.status = 'answering'`,
  ).all(...inRoom(roomId), sittingId) as CandidateSittingRow[];
}

export function listLoggedInNotStarted(db: Db, roomId: string, sittingId: string): CandidateSittingRow[] {
  return stmt(
    db,
    `SELECT cs.* FROM candidate_sittings cs JOIN candidates c USING (ticket_no)
     WHERE ${IN_ROOM_SQL} AND cs.sitting_id = ? AND cs.status = 'not-started' AND cs.machine_id IS NOT NULL`,
  ).all(...inRoom(roomId), sittingId) as CandidateSittingRow[];
}

export function markAbsentNeverLoggedIn(db: Db, roomId: string, sittingId: string): number {
  return stmt(
    db,
    `UPDATE candidate_sittings SET status = 'absent'
     WHERE sitting_id = ? AND status = 'not-started' AND machine_id IS NULL
       AND ticket_no IN (SELECT cs.ticket_no FROM candidate_sittings cs JOIN candidates c USING (ticket_no)
         WHERE cs.sitting_id = ? AND ${IN_ROOM_SQL})`,
  ).run(sittingId, sittingId, ...inRoom(roomId)).changes;
}

export function listCandidateSittingsOf(
  db: Db,
  sittingId: string,
): (CandidateSittingRow & { room_id: string })[] {
  return stmt(
    db,
    `SELECT cs.*, coalesce(cs.taken_in_room, c.room_id) AS room_id
     FROM candidate_sittings cs JOIN candidates c USING (ticket_no)
     WHERE cs.sitting_id = ? ORDER BY cs.ticket_no`,
  ).all(sittingId) as (CandidateSittingRow & { room_id: string })[];
}

export function countHandedIn(db: Db, roomId: string, sittingId: string): number {
  return (
    stmt(
      db,
      `SELECT count(*) AS n FROM candidate_sittings cs JOIN candidates c USING (ticket_no)
       WHERE ${IN_ROOM_SQL} AND cs.sitting_id = ? AND cs.status = 'handed-in'`,
    ).get(...inRoom(roomId), sittingId) as { n: number }
  ).n;
}

/**
 * Releases a candidate from their machine (reset). Sequences the dead machine never
 * delivered are abandoned so the new machine's acknowledgements can move on; the caller
 * records which ones.
 */
export function releaseFromMachine(db: Db, ticketNo: string, sittingId: string, downSince: number): void {
  stmt(
    db,
    `UPDATE candidate_sittings SET machine_id = NULL, session_token_hash = NULL, reset_pending = 1,
       ack_seq = max_seq, down_since = coalesce(down_since, ?), last_down_at = max(coalesce(last_down_at, 0), ?)
     WHERE ticket_no = ? AND sitting_id = ?`,
  ).run(downSince, downSince, ticketNo, sittingId);
}

export function markDown(db: Db, ticketNo: string, sittingId: string, since: number): void {
  stmt(
    db,
    `UPDATE candidate_sittings SET down_since = coalesce(down_since, ?),
       last_down_at = max(coalesce(last_down_at, 0), ?) WHERE ticket_no = ? AND sitting_id = ?`,
  ).run(since, since, ticketNo, sittingId);
}

/** The candidate is back: the downtime since the last sync becomes a suggested extension. */
export function markBack(db: Db, ticketNo: string, sittingId: string, at: number): void {
  stmt(
    db,
    `UPDATE candidate_sittings SET
       suggested_extension_ms = suggested_extension_ms + max(0, ? - down_since),
       down_since = NULL, reset_pending = 0
     WHERE ticket_no = ? AND sitting_id = ? AND down_since IS NOT NULL`,
  ).run(at, ticketNo, sittingId);
  stmt(db, 'UPDATE candidate_sittings SET reset_pending = 0 WHERE ticket_no = ? AND sitting_id = ?').run(
    ticketNo,
    sittingId,
  );
}

export function setExtension(db: Db, ticketNo: string, sittingId: string, extensionMs: number): void {
  stmt(db, 'UPDATE candidate_sittings SET extension_ms = ? WHERE ticket_no = ? AND sitting_id = ?').run(
    extensionMs,
    ticketNo,
    sittingId,
  );
}

export function listUnsyncedHandedIn(db: Db, roomId: string, sittingId: string): CandidateSittingRow[] {
  return stmt(
    db,
    `SELECT cs.* FROM candidate_sittings cs JOIN candidates c USING (ticket_no)
     WHERE ${IN_ROOM_SQL} AND cs.sitting_id = ? AND cs.status = 'handed-in' AND cs.ack_seq < cs.max_seq`,
  ).all(...inRoom(roomId), sittingId) as CandidateSittingRow[];
}

/** The room a candidate sits this sitting in: the one that took them in (issue 19), else their own. */
export function sittingRoomOf(db: Db, ticketNo: string, sittingId: string): string | undefined {
  return (
    stmt(
      db,
      `SELECT coalesce(cs.taken_in_room, c.room_id) AS room_id
       FROM candidate_sittings cs JOIN candidates c USING (ticket_no)
       WHERE cs.ticket_no = ? AND cs.sitting_id = ?`,
    ).get(ticketNo, sittingId) as { room_id: string } | undefined
  )?.room_id;
}
