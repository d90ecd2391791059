import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

export type UploadState = 'queued' | 'uploading' | 'failed' | 'receipt-verified' | 'superseded';

export interface UploadRow {
  sitting_id: string;
  sha256: string;
  path: string;
  size: number;
  state: UploadState;
  upload_id: string | null;
  sent_offset: number;
  attempts: number;
  last_error: string | null;
  queued_at: number;
  updated_at: number;
  /** The signed receipt as received (JSON), kept once verified. */
  receipt: string | null;
  receipt_verified_at: number | null;
}

export interface UploadKey {
  sittingId: string;
  sha256: string;
}

/**
 * Queues a sitting's final package for upload; the same package again changes nothing. An
 * earlier package of the sitting not yet received is superseded: its file now holds the
 * new bytes, so it could never complete. Returns whether a row was added.
 */
export function queueUpload(db: Db, u: UploadKey & { path: string; size: number; at: number }): boolean {
  const added = stmt(
    db,
    `INSERT INTO uploads (sitting_id, sha256, path, size, state, queued_at, updated_at)
     VALUES (?, ?, ?, ?, 'queued', ?, ?) ON CONFLICT (sitting_id, sha256) DO NOTHING`,
  ).run(u.sittingId, u.sha256, u.path, u.size, u.at, u.at).changes;
  if (added > 0) {
    stmt(
      db,
      `UPDATE uploads SET state = 'superseded', updated_at = ?
       WHERE sitting_id = ? AND sha256 <> ? AND state IN ('queued', 'uploading', 'failed')`,
    ).run(u.at, u.sittingId, u.sha256);
  }
  return added > 0;
}

export function getUpload(db: Db, key: UploadKey): UploadRow | undefined {
  return stmt(db, 'SELECT * FROM uploads WHERE sitting_id = ? AND sha256 = ?').get(
    key.sittingId,
    key.sha256,
  ) as UploadRow | undefined;
}

/** Uploads still to do, oldest first: what a restarted server picks up. */
export function listPendingUploads(db: Db): UploadRow[] {
  return stmt(
    db,
    `SELECT * FROM uploads WHERE state IN ('queued', 'uploading', 'failed') ORDER BY queued_at, rowid`,
  ).all() as UploadRow[];
}

export function listUploads(db: Db): UploadRow[] {
  return stmt(db, 'SELECT * FROM uploads ORDER BY sitting_id, queued_at, rowid').all() as UploadRow[];
}

export function markUploading(
  db: Db,
  key: UploadKey,
  p: { uploadId: string; offset: number; at: number },
): void {
  stmt(
    db,
    `UPDATE uploads SET state = 'uploading', upload_id = ?, sent_offset = ?, updated_at = ?
     WHERE sitting_id = ? AND sha256 = ? AND state IN ('queued', 'uploading', 'failed')`,
  ).run(p.uploadId, p.offset, p.at, key.sittingId, key.sha256);
}

export function markOffset(db: Db, key: UploadKey, offset: number, at: number): void {
  stmt(
    db,
    `UPDATE uploads SET sent_offset = ?, updated_at = ?
     WHERE sitting_id = ? AND sha256 = ? AND state = 'uploading'`,
  ).run(offset, at, key.sittingId, key.sha256);
}

export function markFailed(db: Db, key: UploadKey, error: string, at: number): void {
  stmt(
    db,
    `UPDATE uploads SET state = 'failed', attempts = attempts + 1, last_error = ?, updated_at = ?
     WHERE sitting_id = ? AND sha256 = ? AND state IN ('queued', 'uploading', 'failed')`,
  ).run(error, at, key.sittingId, key.sha256);
}

export function markReceiptVerified(
  db: Db,
  key: UploadKey,
  receiptJson: string,
  size: number,
  at: number,
): void {
  stmt(
    db,
    `UPDATE uploads SET state = 'receipt-verified', receipt = ?, sent_offset = ?, last_error = NULL,
       receipt_verified_at = ?, updated_at = ?
     WHERE sitting_id = ? AND sha256 = ? AND state <> 'superseded'`,
  ).run(receiptJson, size, at, at, key.sittingId, key.sha256);
}
