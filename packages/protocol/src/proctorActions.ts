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

export interface Notice {
  noticeId: number;
  text: string;
  at: number;
}

/** A candidate acknowledged a notice on their screen; pushed to the room's consoles. */
export interface NoticeAcknowledged {
  noticeId: number;
  sittingId: string;
  ticketNo: string;
  acknowledgedAt: number;
}

export const candidateRefSchema = z.strictObject({ sittingId: id, ticketNo: ticket });

/** One audit-trail event about a candidate, as the site recorded it. */
export interface AuditLine {
  seq: number;
  at: number;
  actorRole: string;
  actorId: string;
  action: string;
  data: Record<string, unknown>;
}

/**
 * What a proctor needs to check a candidate's identity and to see what happened to them:
 * the photo from the registration data, the ID number masked to what a check needs (the
 * console is on a shared exam-room screen), and the candidate's audit trail.
 */
export interface CandidateDetail {
  ticketNo: string;
  sittingId: string;
  name: string;
  idNumberMasked: string;
  /** PNG, base64. */
  photoPng: string;
  level: 'junior' | 'intermediate' | 'senior';
  specialty: string;
  seatNo: number | null;
  history: AuditLine[];
}

/**
 * One end-of-sitting check. A console words it in its own language from `key`, `ok` and
 * the figures; `detail` is the same in English, for logs and API callers.
 */
export interface ChecklistItem {
  key: 'all-accounted' | 'answers-synced' | 'standalone-collected' | 'transfers-resolved';
  ok: boolean;
  /**
   * The candidates the sentence counts: when it fails, those it names in `tickets`; when
   * `all-accounted` passes, those who never logged in and will be recorded absent.
   */
  count: number;
  /** The candidates who keep a failing check from passing (empty when it passes). */
  tickets: string[];
  detail: string;
}

export interface EndChecklist {
  sittingId: string;
  ready: boolean;
  items: ChecklistItem[];
}

export interface ExtendResult {
  tickets: { ticketNo: string; extensionMs: number; endsAt: number | null }[];
  authority: 'proctor' | 'province-code' | 'centre-code';
}
