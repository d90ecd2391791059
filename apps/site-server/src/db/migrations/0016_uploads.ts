import type Database from 'better-sqlite3';

/**
 * The upload of each sitting's final answer package to the centre's receiver (issue 18).
 * One row per package (sitting and hash): `queued → uploading → receipt-verified`, or
 * `failed` with the last error while it waits to try again; `superseded` when a later final
 * package of the same sitting replaced the file before this one was received. `sent_offset`
 * is what the receiver last confirmed it stored; the receiver stays the authority on where
 * to continue (the site asks it again after any failure). The receipt is kept as received
 * (JSON), and only once `verifyReceipt` accepted it for this site, sitting and hash.
 */
export function m0016Uploads(db: Database.Database): void {
  db.exec(`
    CREATE TABLE uploads (
      sitting_id TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      path TEXT NOT NULL,
      size INTEGER NOT NULL CHECK (size > 0),
      state TEXT NOT NULL
        CHECK (state IN ('queued', 'uploading', 'failed', 'receipt-verified', 'superseded')),
      upload_id TEXT,
      sent_offset INTEGER NOT NULL DEFAULT 0 CHECK (sent_offset >= 0),
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      queued_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      receipt TEXT,
      receipt_verified_at INTEGER,
      PRIMARY KEY (sitting_id, sha256)
    ) STRICT;
    CREATE INDEX uploads_pending ON uploads (state) WHERE state IN ('queued', 'uploading', 'failed');
  `);
}
