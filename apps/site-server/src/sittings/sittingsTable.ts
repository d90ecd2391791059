import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

export interface SittingRow {
  sitting_id: string;
  batch_id: string;
  subject_code: string;
  subject_name: string;
  level: 'junior' | 'intermediate' | 'senior';
  scheduled_start: number;
  late_entry_cutoff_ms: number;
  paper_id: string;
  sealed_paper: string;
}

export function insertSitting(db: Db, s: SittingRow): void {
  stmt(
    db,
    `INSERT INTO sittings (sitting_id, batch_id, subject_code, subject_name, level, scheduled_start,
       late_entry_cutoff_ms, paper_id, sealed_paper) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    s.sitting_id,
    s.batch_id,
    s.subject_code,
    s.subject_name,
    s.level,
    s.scheduled_start,
    s.late_entry_cutoff_ms,
    s.paper_id,
    s.sealed_paper,
  );
}

export function getSitting(db: Db, sittingId: string): SittingRow | undefined {
  return stmt(db, 'SELECT * FROM sittings WHERE sitting_id = ?').get(sittingId) as SittingRow | undefined;
}

/** A sitting without its sealed paper, which can be megabytes (images) and is rarely needed. */
export type SittingMeta = Omit<SittingRow, 'sealed_paper'>;

/**
 * Everything but the paper: what timers, views and tiles need. `getSitting` copies the
 * sealed paper out of SQLite on every call, which on a hot path blocks the event loop.
 */
export function getSittingMeta(db: Db, sittingId: string): SittingMeta | undefined {
  return stmt(
    db,
    `SELECT sitting_id, batch_id, subject_code, subject_name, level, scheduled_start, late_entry_cutoff_ms,
       paper_id FROM sittings WHERE sitting_id = ?`,
  ).get(sittingId) as SittingMeta | undefined;
}

/** Every sitting without its paper, in schedule order. */
export function listSittingMetas(db: Db): SittingMeta[] {
  return stmt(
    db,
    `SELECT sitting_id, batch_id, subject_code, subject_name, level, scheduled_start, late_entry_cutoff_ms,
       paper_id FROM sittings ORDER BY scheduled_start, sitting_id`,
  ).all() as SittingMeta[];
}

export function listSittings(db: Db): SittingRow[] {
  return stmt(db, 'SELECT * FROM sittings ORDER BY scheduled_start, sitting_id').all() as SittingRow[];
}

export function putSittingKey(db: Db, sittingId: string, wrappedKey: Buffer): void {
  stmt(
    db,
    `INSERT INTO sitting_keys (sitting_id, wrapped_key) VALUES (?, ?)
     ON CONFLICT(sitting_id) DO UPDATE SET wrapped_key = excluded.wrapped_key`,
  ).run(sittingId, wrappedKey);
}

export function getWrappedSittingKey(db: Db, sittingId: string): Buffer | null {
  const row = stmt(db, 'SELECT wrapped_key FROM sitting_keys WHERE sitting_id = ?').get(sittingId) as
    | { wrapped_key: Buffer }
    | undefined;
  return row?.wrapped_key ?? null;
}
