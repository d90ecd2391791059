import { z } from 'zod';
import { safeMultilineText, safeText } from './safeText.js';

/**
 * The site admin's sign-in and the guarded cleanup (issue 18, decision 0018): the bodies
 * `POST /api/admin/session`, `POST /api/admin/password` and `POST /api/admin/cleanup` take,
 * and the chief examiner's signed override of the cleanup's guard.
 */

/** A password is free text, but bounded: scrypt of a megabyte would be a cheap denial of service. */
const password = z.string().min(1).max(200);

export const adminSignInRequestSchema = z.strictObject({ password });
export type AdminSignInRequest = z.infer<typeof adminSignInRequestSchema>;

export const ADMIN_PASSWORD_MIN_CHARS = 12;
export const adminPasswordChangeRequestSchema = z.strictObject({
  old: password,
  new: z.string().min(ADMIN_PASSWORD_MIN_CHARS).max(200),
});
export type AdminPasswordChangeRequest = z.infer<typeof adminPasswordChangeRequestSchema>;

/** `GET /api/admin/session`: whether this browser is signed in, and its CSRF token if so. */
export interface AdminSessionState {
  signedIn: boolean;
  csrf?: string;
  /** The generated initial password is still the password: the page asks for a new one. */
  initialPassword?: boolean;
}

/**
 * What the chief examiner signs to let a cleanup go ahead although the guard refuses it:
 * exactly the list of missing items the site reports now (another list, another site, or
 * a later change of what is missing makes it worthless), a reason, and when it was signed.
 */
export const cleanupOverrideStatementSchema = z.strictObject({
  action: z.literal('cleanup-override'),
  siteId: safeText(64, 1),
  missing: z.array(safeText(500, 1)).min(1).max(10_000),
  reason: safeText(500, 4),
  /** ISO 8601. */
  at: z.iso.datetime({ offset: true }),
});
export type CleanupOverrideStatement = z.infer<typeof cleanupOverrideStatementSchema>;

export const cleanupOverrideSchema = z.strictObject({
  statement: cleanupOverrideStatementSchema,
  /** The chief examiner's certificate (from the key file), chaining to the centre root. */
  certPem: safeMultilineText(10_000, 100),
  /** RSA-PSS over `cleanupOverrideBytes(statement)`, base64. */
  signature: z.base64().max(1024),
});
export type CleanupOverride = z.infer<typeof cleanupOverrideSchema>;

export const cleanupRequestSchema = z.strictObject({
  override: cleanupOverrideSchema.optional(),
});
export type CleanupRequest = z.infer<typeof cleanupRequestSchema>;

/**
 * The bytes signed: a fixed domain line, then the statement's fields in a fixed order, so a
 * signature over any other statement (a consent, a sign-in) can never pass for an override.
 */
export function cleanupOverrideBytes(s: CleanupOverrideStatement): string {
  return `exam-site/cleanup-override/v1\n${JSON.stringify([s.action, s.siteId, s.missing, s.reason, s.at])}`;
}

/** Why the cleanup refused, or what it removed. */
export interface CleanupChecklist {
  siteId: string | null;
  /** Every missing item, in words; empty: the cleanup may go ahead. */
  missing: string[];
  sittings: { sittingId: string; held: boolean; receiptVerified: boolean; via: 'network' | 'media' | null }[];
  backups: { complete: boolean; missing: string[] };
}

export interface CleanupReport {
  cleanedAt: string;
  siteId: string | null;
  examId: string | null;
  /** Paths relative to the data directory, and their sizes in bytes (directories summed). */
  removed: { path: string; bytes: number }[];
  kept: string[];
  finalAuditExport: string;
  reportFile: string;
  receipts: { sittingId: string; receiptId: string; sha256: string }[];
  override: { holder: string; fingerprint: string; missing: string[]; reason: string } | null;
}
