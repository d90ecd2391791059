import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

export interface AuditRow {
  seq: number;
  at: number;
  actor_role: string;
  actor_id: string;
  action: string;
  subject: string;
  data: string;
  prev_hash: string;
  hash: string;
}

export function lastAuditHash(db: Db): string | null {
  const row = stmt(db, 'SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as
    | { hash: string }
    | undefined;
  return row?.hash ?? null;
}

export function insertAudit(db: Db, r: Omit<AuditRow, 'seq'>): number {
  return Number(
    stmt(
      db,
      `INSERT INTO audit_events (at, actor_role, actor_id, action, subject, data, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(r.at, r.actor_role, r.actor_id, r.action, r.subject, r.data, r.prev_hash, r.hash).lastInsertRowid,
  );
}

export function listAudit(db: Db): AuditRow[] {
  return stmt(db, 'SELECT * FROM audit_events ORDER BY seq').all() as AuditRow[];
}

/** The events about any of these subjects, oldest first (uses the subject index). */
export function listAuditBySubjects(db: Db, subjects: readonly string[]): AuditRow[] {
  if (subjects.length === 0) return [];
  const marks = subjects.map(() => '?').join(', ');
  return stmt(db, `SELECT * FROM audit_events WHERE subject IN (${marks}) ORDER BY seq`).all(
    ...subjects,
  ) as AuditRow[];
}
