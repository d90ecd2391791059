import { z } from 'zod';
import { answerChangeRecordSchema } from './answerChange.js';
import { paperProofSchema } from './paperProof.js';
import { safeMultilineText, safeText } from './safeText.js';

/**
 * Payloads carried inside the one package container (packages/crypto). The container
 * signs and encrypts; these schemas say what the decrypted bytes must be before use.
 */
const id = safeText(64, 1);
const isoDate = z.iso.datetime();
const level = z.enum(['junior', 'intermediate', 'senior']);

export const roomSchema = z.strictObject({
  roomId: id,
  name: safeText(100),
  seats: z.number().int().positive().max(500),
});

export const sittingSchema = z.strictObject({
  sittingId: id,
  batchId: id,
  subjectCode: id,
  subjectName: safeText(100),
  level,
  scheduledStart: isoDate,
  lateEntryCutoffMinutes: z.number().int().min(0).max(60),
});
export type SittingDef = z.infer<typeof sittingSchema>;

export const candidateSchema = z.strictObject({
  ticketNo: z.string().regex(/^\d{8,20}$/),
  idNumber: z.string().regex(/^\d{17}[\dX]$/),
  name: safeText(50, 1),
  gender: z.enum(['M', 'F']),
  level,
  specialty: safeText(50),
  photoPng: z.base64().max(2_000_000),
  roomId: id,
  /** Null at overbooked sites: the proctor assigns a seat at entry. */
  seatNo: z.number().int().positive().nullable(),
  sittingIds: z.array(id).min(1).max(4),
});
export type CandidateDef = z.infer<typeof candidateSchema>;

export const sealedPaperSchema = z.strictObject({
  paperId: id,
  sittingId: id,
  /** The paper JSON sealed with the sitting key; AAD is the sitting id. */
  sealed: safeText(20_000_000),
  /** The centre's signature a test machine checks before showing the paper (`paperProof.ts`). */
  paperSha256: paperProofSchema.shape.paperSha256,
  signature: paperProofSchema.shape.signature,
});

export const examDataSchema = z.strictObject({
  examId: id,
  examName: safeText(200),
  site: z.strictObject({
    siteId: id,
    name: safeText(200),
    /**
     * Overbooked (annex 4, issue 19): some room seats more candidates than it has machines
     * (at most 30% more), so the whole site runs as overbooked: no candidate carries a seat,
     * the proctor assigns one at entry. Absent in packages from before: false.
     */
    overbooked: z.boolean().optional(),
  }),
  /**
   * The province the backups go to (issue 18): its certificate, issued by the centre root with
   * role 'province'. The site seals its backups for it; consoles get it with their room data.
   */
  province: z.strictObject({ provinceId: id, certPem: safeMultilineText(16_384, 1) }),
  /** The arrangement timestamp that must match the tickets and the room data. */
  arrangementTimestamp: isoDate,
  rooms: z.array(roomSchema).min(1).max(500),
  sittings: z.array(sittingSchema).min(1).max(100),
  candidates: z.array(candidateSchema).min(1).max(50_000),
  papers: z.array(sealedPaperSchema).min(1).max(100),
  /** Proctor and chief examiner keys registered for this exam; others are refused. */
  registeredKeys: z
    .array(
      z.strictObject({
        fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
        role: z.enum(['proctor', 'chief']),
        roomId: id.nullable(),
        holder: safeText(100),
      }),
    )
    .max(2000)
    .default([]),
});
export type ExamData = z.infer<typeof examDataSchema>;

export const authorizationSchema = z.strictObject({
  examId: id,
  siteId: id,
  /**
   * When the centre issued it: a site holding one refuses an older one, so a stale or
   * replayed authorization never replaces the keys it holds (issue 16, point 9).
   */
  issuedAt: isoDate,
  validFrom: isoDate,
  validUntil: isoDate,
  sittingKeys: z
    .array(z.strictObject({ sittingId: id, key: z.base64() }))
    .min(1)
    .max(100),
  /** Keys the site verifies approval codes with, offline: one per issuing authority. */
  approvalKeys: z.strictObject({ province: z.base64(), centre: z.base64() }),
});
export type Authorization = z.infer<typeof authorizationSchema>;

export const auditEventSchema = z.strictObject({
  seq: z.number().int().positive(),
  at: z.number().int(),
  actorRole: z.string(),
  actorId: z.string(),
  action: z.string(),
  subject: z.string(),
  data: z.unknown(),
  prevHash: z.string().length(64),
  hash: z.string().length(64),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

export const candidateStatusSchema = z.enum(['absent', 'not-started', 'answering', 'handed-in']);
export type CandidateStatus = z.infer<typeof candidateStatusSchema>;

/**
 * Whether an answer package is the sitting's last word. `final`: written after every room of
 * the sitting had ended, so every candidate is handed in or absent. `interim`: a manual
 * export before that; the rooms still running are named and their candidates may still
 * change answers, so the centre must wait for the final one.
 */
export const answerPackageFinalitySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('final') }),
  z.strictObject({ kind: z.literal('interim'), roomsNotEnded: z.array(id).min(1).max(500) }),
]);
export type AnswerPackageFinality = z.infer<typeof answerPackageFinalitySchema>;

/**
 * One transfer of a candidate between rooms of an overbooked site (issue 19), as the answer
 * package carries it: out of one room, taken in by another (then the candidate's answers come
 * from that room), or resolved by the sending room when none took them in.
 */
export const packagedTransferSchema = z.strictObject({
  transferId: z.number().int().positive(),
  fromRoomId: id,
  toRoomId: id.nullable(),
  state: z.enum(['out', 'in', 'resolved']),
  reason: z.string().max(500),
  outAt: z.number().int(),
  inAt: z.number().int().nullable(),
  resolvedAt: z.number().int().nullable(),
  outcome: z.enum(['transferred-in-after-all', 'absent', 'other']).nullable(),
  note: z.string().max(500).nullable(),
});
export type PackagedTransfer = z.infer<typeof packagedTransferSchema>;

const packagedCandidateSchema = z.strictObject({
  ticketNo: z.string(),
  roomId: id,
  seatNo: z.number().int().nullable(),
  status: candidateStatusSchema,
  handedInAt: z.number().int().nullable(),
  handInKind: z.enum(['manual', 'auto']).nullable(),
  extensionMs: z.number().int(),
  /** Every change in sequence order: the final answer per item is the last one. */
  changes: z.array(answerChangeRecordSchema),
  /** The candidate's transfers between rooms (issue 19); absent from earlier site software. */
  transfers: z.array(packagedTransferSchema).max(20).optional(),
});

export const answerPackageSchema = z.strictObject({
  examId: id,
  siteId: id,
  sittingId: id,
  subjectCode: id,
  exportedAt: z.number().int(),
  finality: answerPackageFinalitySchema,
  candidates: z.array(packagedCandidateSchema),
  /**
   * Each room's start as the sittings data holds it, so the centre can reconcile every start
   * with its audit event and approval code. Absent in packages from earlier site software.
   */
  rooms: z
    .array(
      z.strictObject({
        roomId: id,
        startedAt: z.number().int().nullable(),
        startAuthority: z.string().max(32).nullable(),
        startCode: z.string().max(64).nullable(),
        endedAt: z.number().int().nullable(),
      }),
    )
    .optional(),
  /** The site's whole audit chain up to the export, so the centre can re-check it. */
  audit: z.array(auditEventSchema),
});
export type AnswerPackage = z.infer<typeof answerPackageSchema>;

/**
 * A change as the centre reads it. Site software from before issue 15 packaged no `madeAt`;
 * such a change is read with the time the site received it, the latest it can have been
 * made, as the site's own migration gives the changes it had stored.
 */
export const receivedChangeSchema = z.union([
  answerChangeRecordSchema,
  answerChangeRecordSchema.omit({ madeAt: true }).transform((c) => ({ ...c, madeAt: c.receivedAt })),
]);

const receivedPackageSchema = answerPackageSchema.extend({
  candidates: z.array(packagedCandidateSchema.extend({ changes: z.array(receivedChangeSchema) })),
});

/**
 * What the centre reads. Sites write `finality` since it was added; a package from a site
 * running the earlier software has none, and is read as `unstated` rather than given a
 * default: that software wrote a mid-sitting export under the final package's name, so
 * neither `final` nor `interim` would be true of every such file. Refusing them would
 * strand packages already collected; `unstated` lets the verifier say so and list who had
 * not handed in, which is what tells the two apart.
 */
export const receivedAnswerPackageSchema = z.union([
  receivedPackageSchema,
  receivedPackageSchema
    .omit({ finality: true })
    .transform((p) => ({ ...p, finality: { kind: 'unstated' } as const })),
]);
export type ReceivedAnswerPackage = z.infer<typeof receivedAnswerPackageSchema>;

/** One answer package the site has written, as the admin's status lists it. */
export interface AnswerPackageFile {
  file: string;
  path: string;
  finality: AnswerPackageFinality['kind'];
  /** The rooms still running when it was written (none for a final package). */
  roomsNotEnded: string[];
  sha256: string;
  exportedAt: number;
}

/** Where a sitting stands, for the site admin (`GET /api/admin/status`). */
export interface SittingStatus {
  sittingId: string;
  subjectName: string;
  scheduledStart: number;
  /** Rooms that have not given the end command, and how far each has got. */
  roomsNotEnded: { roomId: string; phase: 'scheduled' | 'login-open' | 'running' }[];
  /** The final package, once the last room has ended. */
  finalPackage: AnswerPackageFile | null;
  /** Every package written for the sitting, interim ones included, oldest first. */
  packages: AnswerPackageFile[];
}

export interface SiteStatus {
  examId: string | null;
  candidates: number;
  answerChanges: number;
  sittings: SittingStatus[];
}

/** The exact object each audit link's hash covers; the site and the centre both use it. */
export function auditLinkPayload(e: {
  at: number;
  actorRole: string;
  actorId: string;
  action: string;
  subject: string;
  data: unknown;
}) {
  return {
    at: e.at,
    actorRole: e.actorRole,
    actorId: e.actorId,
    action: e.action,
    subject: e.subject,
    data: e.data,
  };
}
