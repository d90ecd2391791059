import { z } from 'zod';

/** Proctor console actions beyond start/end: reset, extension, absence, violations, notices. */
const id = z.string().min(1).max(64);
const ticket = z.string().regex(/^\d{8,20}$/);

/** Approval codes are read over the phone: 10 Crockford base32 characters, dash optional. */
export const approvalCodeSchema = z
  .string()
  .regex(/^[0-9A-HJKMNP-TV-Z]{5}-?[0-9A-HJKMNP-TV-Z]{5}$/i, 'An approval code is 10 letters and digits.');

/** A proctor key signs this statement to sign in; the site checks it and the key's certificate. */
export const signInProofSchema = z.strictObject({
  certPem: z.string().min(100).max(10_000),
  signedAt: z.number().int(),
  nonce: z.string().min(16).max(64),
  signature: z.base64().max(1024),
});
export type SignInProof = z.infer<typeof signInProofSchema>;

/** The exact text a proctor key signs; a flat object in fixed key order, so both sides agree. */
export function signInStatement(p: {
  siteId: string;
  roomId: string;
  signedAt: number;
  nonce: string;
}): string {
  return JSON.stringify({
    purpose: 'proctor-sign-in',
    siteId: p.siteId,
    roomId: p.roomId,
    signedAt: p.signedAt,
    nonce: p.nonce,
  });
}

/** Builds a sign-in proof; `sign` is the key holder's RSA-PSS signature over the text. */
export function buildSignInProof(
  p: { certPem: string; siteId: string; roomId: string; signedAt: number; nonce: string },
  sign: (text: string) => Buffer,
): SignInProof {
  return {
    certPem: p.certPem,
    signedAt: p.signedAt,
    nonce: p.nonce,
    signature: sign(signInStatement(p)).toString('base64'),
  };
}

export const resetSchema = z.strictObject({
  sittingId: id,
  ticketNo: ticket,
  reason: z.string().min(1).max(500),
});

export const extendSchema = z.strictObject({
  sittingId: id,
  tickets: z.array(ticket).min(1).max(200),
  minutes: z.number().int().min(1).max(240),
  reason: z.string().min(1).max(500),
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
  description: z.string().min(1).max(1000),
  /** Whether the candidate has been told the facts and the handling (处理前的告知). */
  notified: z.boolean(),
  candidateStatement: z.string().max(1000).optional(),
});
export type ViolationRequest = z.infer<typeof violationSchema>;

export const noticeSchema = z.strictObject({
  sittingId: id,
  /** Omitted: the whole room. */
  ticketNo: ticket.optional(),
  text: z.string().min(1).max(500),
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
