import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

export type BackupKind = 'site' | 'console';
export type BackupState = 'making' | 'verified' | 'failed';

export interface BackupRow {
  backup_id: number;
  kind: BackupKind;
  sitting_id: string | null;
  room_id: string | null;
  day: string;
  path: string;
  sha256: string | null;
  size: number | null;
  state: BackupState;
  made_at: number;
  verified_at: number | null;
  last_error: string | null;
  deposited_by: string | null;
}

export function startBackup(
  db: Db,
  b: {
    kind: BackupKind;
    sittingId: string | null;
    roomId: string | null;
    day: string;
    path: string;
    at: number;
  },
): number {
  return Number(
    stmt(
      db,
      `INSERT INTO backups (kind, sitting_id, room_id, day, path, state, made_at)
       VALUES (?, ?, ?, ?, ?, 'making', ?)`,
    ).run(b.kind, b.sittingId, b.roomId, b.day, b.path, b.at).lastInsertRowid,
  );
}

export function markBackupVerified(
  db: Db,
  id: number,
  v: { sha256: string; size: number; madeAt: number; at: number; depositedBy?: string | null },
): void {
  stmt(
    db,
    `UPDATE backups SET state = 'verified', sha256 = ?, size = ?, made_at = ?, verified_at = ?,
       last_error = NULL, deposited_by = ?
     WHERE backup_id = ?`,
  ).run(v.sha256, v.size, v.madeAt, v.at, v.depositedBy ?? null, id);
}

export function markBackupFailed(db: Db, id: number, error: string): void {
  stmt(db, `UPDATE backups SET state = 'failed', last_error = ? WHERE backup_id = ?`).run(error, id);
}

/** A backup cut by a stop of the server never finished: it counts as failed, and is made again. */
export function failUnfinishedBackups(db: Db): number {
  return stmt(
    db,
    `UPDATE backups SET state = 'failed', last_error = 'The server stopped while the backup was being made.'
     WHERE state = 'making'`,
  ).run().changes;
}

export function getBackup(db: Db, id: number): BackupRow | undefined {
  return stmt(db, 'SELECT * FROM backups WHERE backup_id = ?').get(id) as BackupRow | undefined;
}

export function listBackups(db: Db): BackupRow[] {
  return stmt(db, 'SELECT * FROM backups ORDER BY backup_id').all() as BackupRow[];
}

export function listSiteBackupsOf(db: Db, sittingId: string): BackupRow[] {
  return stmt(db, `SELECT * FROM backups WHERE kind = 'site' AND sitting_id = ? ORDER BY backup_id`).all(
    sittingId,
  ) as BackupRow[];
}

export function listConsoleBackupsOf(db: Db, roomId: string, day: string): BackupRow[] {
  return stmt(
    db,
    `SELECT * FROM backups WHERE kind = 'console' AND room_id = ? AND day = ? ORDER BY backup_id`,
  ).all(roomId, day) as BackupRow[];
}

export function backupPathTaken(db: Db, path: string): boolean {
  return stmt(db, 'SELECT 1 FROM backups WHERE path = ?').get(path) !== undefined;
}
