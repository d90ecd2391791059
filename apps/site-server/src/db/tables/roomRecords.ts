import type { Db } from '../open.js';
import { stmt } from '../statements.js';

/** The room's records for its report: resets, extensions, violations, notices. */
export interface ResetRow {
  id: number;
  at: number;
  room_id: string;
  sitting_id: string;
  ticket_no: string;
  old_machine_id: string | null;
  reason: string;
  actor: string;
  abandoned_seqs: string;
}

export function insertReset(db: Db, r: Omit<ResetRow, 'id'>): number {
  return Number(
    stmt(
      db,
      `INSERT INTO resets (at, room_id, sitting_id, ticket_no, old_machine_id, reason, actor, abandoned_seqs)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(r.at, r.room_id, r.sitting_id, r.ticket_no, r.old_machine_id, r.reason, r.actor, r.abandoned_seqs)
      .lastInsertRowid,
  );
}

/** Per machine of a room, the candidates a reset released from it, oldest first. */
export function listReleasedFromMachines(
  db: Db,
  roomId: string,
): Pick<ResetRow, 'old_machine_id' | 'sitting_id' | 'ticket_no'>[] {
  return stmt(
    db,
    `SELECT old_machine_id, sitting_id, ticket_no FROM resets
     WHERE room_id = ? AND old_machine_id IS NOT NULL ORDER BY id`,
  ).all(roomId) as Pick<ResetRow, 'old_machine_id' | 'sitting_id' | 'ticket_no'>[];
}

export interface ExtensionRow {
  id: number;
  at: number;
  room_id: string;
  sitting_id: string;
  ticket_no: string;
  minutes: number;
  cumulative_ms: number;
  authority: string;
  code: string | null;
  reason: string;
  actor: string;
}

export function insertExtension(db: Db, r: Omit<ExtensionRow, 'id'>): void {
  stmt(
    db,
    `INSERT INTO extensions (at, room_id, sitting_id, ticket_no, minutes, cumulative_ms, authority, code, reason, actor)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    r.at,
    r.room_id,
    r.sitting_id,
    r.ticket_no,
    r.minutes,
    r.cumulative_ms,
    r.authority,
    r.code,
    r.reason,
    r.actor,
  );
}

export interface ViolationRow {
  id: number;
  at: number;
  room_id: string;
  sitting_id: string;
  ticket_no: string;
  category: string;
  description: string;
  notified_at: number | null;
  candidate_statement: string | null;
  actor: string;
}

export function insertViolation(db: Db, r: Omit<ViolationRow, 'id'>): number {
  return Number(
    stmt(
      db,
      `INSERT INTO violations (at, room_id, sitting_id, ticket_no, category, description, notified_at,
         candidate_statement, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      r.at,
      r.room_id,
      r.sitting_id,
      r.ticket_no,
      r.category,
      r.description,
      r.notified_at,
      r.candidate_statement,
      r.actor,
    ).lastInsertRowid,
  );
}

export interface NoticeRow {
  id: number;
  at: number;
  room_id: string;
  sitting_id: string;
  ticket_no: string | null;
  text: string;
  actor: string;
}

export function insertNotice(db: Db, r: Omit<NoticeRow, 'id'>): number {
  return Number(
    stmt(
      db,
      'INSERT INTO notices (at, room_id, sitting_id, ticket_no, text, actor) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(r.at, r.room_id, r.sitting_id, r.ticket_no, r.text, r.actor).lastInsertRowid,
  );
}

export function getNotice(db: Db, id: number): NoticeRow | undefined {
  return stmt(db, 'SELECT * FROM notices WHERE id = ?').get(id) as NoticeRow | undefined;
}

export function insertNoticeAck(db: Db, noticeId: number, ticketNo: string, at: number): boolean {
  return (
    stmt(
      db,
      'INSERT OR IGNORE INTO notice_acks (notice_id, ticket_no, acknowledged_at) VALUES (?, ?, ?)',
    ).run(noticeId, ticketNo, at).changes > 0
  );
}

/** Notices to this candidate or their whole room that they have not acknowledged yet. */
export function listUnacknowledgedNotices(
  db: Db,
  roomId: string,
  sittingId: string,
  ticketNo: string,
): NoticeRow[] {
  return stmt(
    db,
    `SELECT n.* FROM notices n
     WHERE n.room_id = ? AND n.sitting_id = ? AND (n.ticket_no IS NULL OR n.ticket_no = ?)
       AND NOT EXISTS (SELECT 1 FROM notice_acks a WHERE a.notice_id = n.id AND a.ticket_no = ?)
     ORDER BY n.id`,
  ).all(roomId, sittingId, ticketNo, ticketNo) as NoticeRow[];
}

type Table = 'resets' | 'extensions' | 'violations' | 'notices';
export function listRoomRecords<T>(db: Db, table: Table, roomId: string, sittingId: string): T[] {
  return stmt(db, `SELECT * FROM ${table} WHERE room_id = ? AND sitting_id = ? ORDER BY id`).all(
    roomId,
    sittingId,
  ) as T[];
}

export function markCodeUsed(
  db: Db,
  code: string,
  kind: string,
  roomId: string,
  sittingId: string,
  at: number,
): boolean {
  return (
    stmt(
      db,
      'INSERT OR IGNORE INTO used_approval_codes (code, kind, room_id, sitting_id, used_at) VALUES (?, ?, ?, ?, ?)',
    ).run(code, kind, roomId, sittingId, at).changes > 0
  );
}

export interface RegisteredKeyRow {
  fingerprint: string;
  role: 'proctor' | 'chief';
  room_id: string | null;
  holder: string;
}

export function registerKey(db: Db, k: RegisteredKeyRow): void {
  stmt(
    db,
    `INSERT INTO registered_keys (fingerprint, role, room_id, holder) VALUES (?, ?, ?, ?)
     ON CONFLICT (fingerprint) DO UPDATE SET role = excluded.role, room_id = excluded.room_id, holder = excluded.holder`,
  ).run(k.fingerprint, k.role, k.room_id, k.holder);
}

export function getRegisteredKey(db: Db, fingerprint: string): RegisteredKeyRow | undefined {
  return stmt(db, 'SELECT * FROM registered_keys WHERE fingerprint = ?').get(fingerprint) as
    | RegisteredKeyRow
    | undefined;
}
