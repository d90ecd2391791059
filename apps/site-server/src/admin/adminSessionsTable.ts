import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

export interface AdminSessionRow {
  token_sha256: string;
  csrf: string;
  address: string;
  created_at: number;
  last_seen_at: number;
}

export function insertAdminSession(db: Db, row: AdminSessionRow): void {
  stmt(
    db,
    `INSERT INTO admin_sessions (token_sha256, csrf, address, created_at, last_seen_at)
     VALUES (@token_sha256, @csrf, @address, @created_at, @last_seen_at)`,
  ).run(row);
}

export function findAdminSession(db: Db, tokenSha256: string): AdminSessionRow | null {
  const row = stmt(db, 'SELECT * FROM admin_sessions WHERE token_sha256 = ?').get(tokenSha256) as
    | AdminSessionRow
    | undefined;
  return row ?? null;
}

export function touchAdminSession(db: Db, tokenSha256: string, at: number): void {
  stmt(db, 'UPDATE admin_sessions SET last_seen_at = ? WHERE token_sha256 = ?').run(at, tokenSha256);
}

export function deleteAdminSession(db: Db, tokenSha256: string): void {
  stmt(db, 'DELETE FROM admin_sessions WHERE token_sha256 = ?').run(tokenSha256);
}

/** Sessions idle since before `before` are gone; a password change ends every session. */
export function deleteAdminSessionsIdleSince(db: Db, before: number): void {
  stmt(db, 'DELETE FROM admin_sessions WHERE last_seen_at < ?').run(before);
}

export function deleteAllAdminSessions(db: Db): void {
  stmt(db, 'DELETE FROM admin_sessions').run();
}

export function deleteOtherAdminSessions(db: Db, keepTokenSha256: string): void {
  stmt(db, 'DELETE FROM admin_sessions WHERE token_sha256 <> ?').run(keepTokenSha256);
}
