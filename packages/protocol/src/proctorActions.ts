import { z } from 'zod';
import { safeMultilineText, safeText } from './safeText.js';

/** Proctor console actions beyond start/end: reset, extension, absence, violations, notices. */
const id = safeText(64, 1);
const ticket = z.string().regex(/^\d{8,20}$/);

/** Approval codes are read over the phone: 10 Crockford base32 characters, dash optional. */
export const approvalCodeSchema = z
  .string()
  .regex(/^[0-9A-HJKMNP-TV-Z]{5}-?[0-9A-HJKMNP-TV-Z]{5}$/i, 'An approval code is 10 letters and digits.');

/**
 * Proctor sign-in (issue 16): inside the TLS connection the console asks for a fresh challenge,
 * then signs {siteId, roomId, challenge, tlsBinding} with its proctor key (监考锁). No clock is
 * taken from the server; the challenge is good once, on the connection it was issued to; the
 * binding is this TLS connection's exporter value, so a relay (which holds two TLS sessions)
 * cannot pass a statement on. Until it signs in, a proctor connection can do nothing else.
 */
export const PROCTOR_SIGN_IN_EXPORTER_LABEL = 'EXPORTER-exam-proctor-sign-in';

/** 32 random bytes, base64url. */
const challenge = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'A sign-in challenge is 43 base64url characters.');

export const signInChallengeSchema = z.object({ challenge });
export type SignInChallenge = z.infer<typeof signInChallengeSchema>;

export const signInSchema = z.strictObject({
  roomId: id,
  certPem: safeMultilineText(10_000, 100),
  challenge,
  /** RSA-PSS over signInStatement(...), base64. */
  signature: z.base64().max(1024),
});
export type SignInRequest = z.infer<typeof signInSchema>;

/** Who the server now takes the console for, and its clock (the console recalibrates on it). */
export const signedInSchema = z.object({
  role: z.enum(['proctor', 'chief']),
  roomId: z.string(),
  holder: z.string(),
  serverNow: z.number(),
});
export type SignedIn = z.infer<typeof signedInSchema>;

/** The exact text a proctor key signs; a flat object in fixed key order, so both sides agree. */
export function signInStatement(p: {
  siteId: string;
  roomId: string;
  challenge: string;
  /** base64 of the TLS exporter value under PROCTOR_SIGN_IN_EXPORTER_LABEL. */
  tlsBinding: string;
}): string {
  return JSON.stringify({
    purpose: 'proctor-sign-in',
    siteId: p.siteId,
    roomId: p.roomId,
    challenge: p.challenge,
    tlsBinding: p.tlsBinding,
  });
}

/** Builds the sign-in request; `sign` is the key holder's RSA-PSS signature over the text. */
export function buildSignIn(
  p: { certPem: string; siteId: string; roomId: string; challenge: string; tlsBinding: string },
  sign: (text: string) => Buffer,
): SignInRequest {
  return {
    roomId: p.roomId,
    certPem: p.certPem,
    challenge: p.challenge,
    signature: sign(signInStatement(p)).toString('base64'),
  };
}

export const resetSchema = z.strictObject({
  sittingId: id,
  ticketNo: ticket,
  reason: safeText(500, 1),
});

export const extendSchema = z.strictObject({
  sittingId: id,
  tickets: z.array(ticket).min(1).max(200),
  minutes: z.number().int().min(1).max(240),
  reason: safeText(500, 1),
  code: approvalCodeSchema.optional(),
});
export type ExtendRequest = z.infer<typeof extendSchema>;

export const markAbsentSchema = z.strictObject({ sittingId: id, ticketNo: ticket, absent: z.boolean() });

export const violationSchema = z.strictObject({
  sittingId: id,
  ticketNo: ticket,
  category: z.enum([
    'mark-or-sign',
    'close-or-restart-machine',
    'move-screen-or-unit',
    'replace-or-damage-equipment',
    'external-device',
    'cheating-tool',
    'system-intrusion',
    'public-order',
    'other',
  ]),
  description: safeMultilineText(1000, 1),
  /** Whether the candidate has been told the facts and the handling (处理前的告知). */
  notified: z.boolean(),
  candidateStatement: safeMultilineText(1000).optional(),
});
export type ViolationRequest = z.infer<typeof violationSchema>;

export const noticeSchema = z.strictObject({
  sittingId: id,
  /** Omitted: the whole room. */
  ticketNo: ticket.optional(),
  text: safeMultilineText(500, 1),
});

export const noticeAckSchema = z.strictObject({ noticeId: z.number().int().positive() });

/** A proctor's notice as a candidate's machine receives it. */
export const noticePushSchema = z.object({
  noticeId: z.number().int(),
  text: z.string().max(2000),
  at: z.number(),
});
export type Notice = z.infer<typeof noticePushSchema>;

/** A candidate acknowledged a notice on their screen; pushed to the room's consoles. */
export const noticeAcknowledgedSchema = z.object({
  noticeId: z.number().int(),
  sittingId: z.string(),
  ticketNo: z.string(),
  acknowledgedAt: z.number(),
});
export type NoticeAcknowledged = z.infer<typeof noticeAcknowledgedSchema>;

export const candidateRefSchema = z.strictObject({ sittingId: id, ticketNo: ticket });

/* Replies of this namespace, as schemas the console parses (see candidate.ts). */
const level = z.enum(['junior', 'intermediate', 'senior']);

/** One audit-trail event about a candidate, as the site recorded it. */
export const auditLineSchema = z.object({
  seq: z.number().int(),
  at: z.number(),
  actorRole: z.string(),
  actorId: z.string(),
  action: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type AuditLine = z.infer<typeof auditLineSchema>;

/**
 * What a proctor needs to check a candidate's identity and to see what happened to them:
 * the photo from the registration data, the ID number masked to what a check needs (the
 * console is on a shared exam-room screen), and the candidate's audit trail.
 */
export const candidateDetailSchema = z.object({
  ticketNo: z.string(),
  sittingId: z.string(),
  name: z.string(),
  idNumberMasked: z.string(),
  /** PNG, base64. */
  photoPng: z.string(),
  level,
  specialty: z.string(),
  seatNo: z.number().int().nullable(),
  history: z.array(auditLineSchema),
});
export type CandidateDetail = z.infer<typeof candidateDetailSchema>;

/**
 * One end-of-sitting check. A console words it in its own language from `key`, `ok` and
 * the figures; `detail` is the same in English, for logs and API callers.
 */
export const checklistItemSchema = z.object({
  key: z.enum(['all-accounted', 'answers-synced', 'standalone-collected', 'transfers-resolved']),
  ok: z.boolean(),
  /**
   * The candidates the sentence counts: when it fails, those it names in `tickets`; when
   * `all-accounted` passes, those who never logged in and will be recorded absent.
   */
  count: z.number().int().nonnegative(),
  /** The candidates who keep a failing check from passing (empty when it passes). */
  tickets: z.array(z.string()),
  detail: z.string(),
});
export type ChecklistItem = z.infer<typeof checklistItemSchema>;

export const endChecklistSchema = z.object({
  sittingId: z.string(),
  ready: z.boolean(),
  items: z.array(checklistItemSchema),
});
export type EndChecklist = z.infer<typeof endChecklistSchema>;

export const extendResultSchema = z.object({
  tickets: z.array(
    z.object({ ticketNo: z.string(), extensionMs: z.number(), endsAt: z.number().nullable() }),
  ),
  authority: z.enum(['proctor', 'province-code', 'centre-code']),
});
export type ExtendResult = z.infer<typeof extendResultSchema>;
