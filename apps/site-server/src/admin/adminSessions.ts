import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/open.js';
import {
  deleteAdminSession,
  deleteAdminSessionsIdleSince,
  findAdminSession,
  insertAdminSession,
  touchAdminSession,
} from './adminSessionsTable.js';

/** A signed-in browser is signed out after 8 hours without a request (decision 0018). */
export const ADMIN_SESSION_IDLE_MS = 8 * 60 * 60 * 1000;
/** A session's last use is written at most this often: a page polling status costs no write each time. */
const TOUCH_EVERY_MS = 60 * 1000;

export const ADMIN_SESSION_COOKIE = 'exam_admin';
export const ADMIN_CSRF_HEADER = 'x-exam-csrf';

export interface AdminSession {
  /** The cookie's hash: names the session in the audit chain without revealing the cookie. */
  id: string;
  csrf: string;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** A new session: the cookie value (sent once, kept only hashed) and its CSRF token. */
export function createAdminSession(
  db: Db,
  address: string,
  now: number,
): { cookie: string; session: AdminSession } {
  const cookie = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  const id = sha256(cookie);
  deleteAdminSessionsIdleSince(db, now - ADMIN_SESSION_IDLE_MS);
  insertAdminSession(db, { token_sha256: id, csrf, address, created_at: now, last_seen_at: now });
  return { cookie, session: { id, csrf } };
}

/** The live session this cookie names, its last use moved to now; null when unknown or idle too long. */
export function findLiveAdminSession(db: Db, cookie: string, now: number): AdminSession | null {
  const id = sha256(cookie);
  const row = findAdminSession(db, id);
  if (!row) return null;
  if (now - row.last_seen_at > ADMIN_SESSION_IDLE_MS) {
    deleteAdminSession(db, id);
    return null;
  }
  if (now - row.last_seen_at >= TOUCH_EVERY_MS) touchAdminSession(db, id, now);
  return { id, csrf: row.csrf };
}

export function endAdminSession(db: Db, session: AdminSession): void {
  deleteAdminSession(db, session.id);
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The value of one cookie from a Cookie header (no cookie library for one name). */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

// No Max-Age: the browser keeps it until it closes, and the server ends it after 8 h idle.
export function sessionCookieHeader(cookie: string): string {
  return `${ADMIN_SESSION_COOKIE}=${cookie}; HttpOnly; Secure; SameSite=Strict; Path=/`;
}

export function clearedCookieHeader(): string {
  return `${ADMIN_SESSION_COOKIE}=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0`;
}
