/**
 * The receiver's tables, in SQL both SQLite and PostgreSQL take as written. Uploads are
 * keyed by (site, sha256) so a site's second POST of the same bytes resumes the first; a
 * package is kept once per (site, sha256), and as one version of its sitting.
 */
export const RECEIVER_TABLES = `
CREATE TABLE uploads (
  upload_id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size BIGINT NOT NULL,
  file_name TEXT NOT NULL,
  offset_bytes BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (site_id, sha256)
);
CREATE TABLE packages (
  receipt_id TEXT PRIMARY KEY,
  exam_id TEXT NOT NULL,
  site_id TEXT NOT NULL,
  sitting_id TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size BIGINT NOT NULL,
  version INTEGER NOT NULL,
  flagged INTEGER NOT NULL,
  final INTEGER NOT NULL,
  received_at TEXT NOT NULL,
  file TEXT NOT NULL,
  signed_receipt TEXT NOT NULL,
  UNIQUE (site_id, sha256),
  UNIQUE (exam_id, site_id, sitting_id, version)
);
CREATE INDEX packages_by_exam ON packages (exam_id, received_at);
`;
