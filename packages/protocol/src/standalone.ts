import { z } from 'zod';
import { answerChangeSchema } from './answerChange.js';
import { paperProofSchema } from './paperProof.js';
import { safeMultilineText, safeText } from './safeText.js';

/**
 * Standalone mode (issue 17): what a standalone package carries to one test machine and what
 * its answer file carries back. The container (packages/crypto) signs and encrypts; these
 * schemas say what the decrypted bytes must be before anything uses them.
 */
const id = safeText(64, 1);
const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const isoDate = z.iso.datetime();
/** 32 lower-case hex characters: 128 random bits. */
export const standalonePackageIdSchema = z.string().regex(/^[0-9a-f]{32}$/);
const ticketNo = z.string().regex(/^\d{8,20}$/);
const certPem = safeMultilineText(16_384, 1);

/**
 * The candidate's ID check held by a proctor console (decision 0017, amendment): a salt fixed
 * on the site per candidate and sitting (16 random bytes, hex) and hex SHA-256 of
 * `${salt}|${normalised ID number}` (see idCheckHash). The console never holds the number.
 */
export const standaloneIdCheckSchema = z.strictObject({
  salt: z.string().regex(/^[0-9a-f]{32}$/),
  hash: hex64,
});
export type StandaloneIdCheck = z.infer<typeof standaloneIdCheckSchema>;

export const standaloneCandidateSchema = z
  .strictObject({
    ticketNo,
    name: safeText(50, 1),
    /** A data URL of the photo, or null when the site has none. */
    photo: z.string().max(3_000_000).nullable(),
    /**
     * A site-built package: hex SHA-256 of `${packageId}|${normalised ID number}` (see
     * hashIdNumber): checked, never shown.
     */
    idNumberHash: hex64.optional(),
    /** A console-built package (from its replica): the site's salted ID check instead. */
    idCheck: standaloneIdCheckSchema.optional(),
  })
  .refine((c) => (c.idNumberHash === undefined) !== (c.idCheck === undefined), {
    message: 'A package carries exactly one of idNumberHash and idCheck.',
  });
export type StandaloneCandidate = z.infer<typeof standaloneCandidateSchema>;

export const standalonePackageContentSchema = z.strictObject({
  formatVersion: z.literal(1),
  packageId: standalonePackageIdSchema,
  siteId: id,
  sittingId: id,
  roomId: id,
  /** The exam day in site time. */
  examDay: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  issuedAt: isoDate,
  expiresAt: isoDate,
  /** The machine that may import it: hex SHA-256 of its Ed25519 public key (machineFingerprint). */
  targetMachineFingerprint: hex64,
  candidate: standaloneCandidateSchema,
  sitting: z.strictObject({ title: safeText(200, 1), subject: safeText(100).optional() }),
  /** The candidate's end minus the export time, on the server's clock. */
  remainingMs: z.number().int().nonnegative(),
  /** Hand-in is allowed once remaining time is at or below this; null: any time. */
  earliestHandInRemainingMs: z.number().int().nonnegative().nullable(),
  paper: z.strictObject({
    /** The paper exactly as delivered online (`loginResult.sealedPaper`). */
    sealed: z.string().max(20_000_000),
    proof: paperProofSchema,
    /** base64 sitting key. */
    sittingKey: z.base64().max(1024),
  }),
  /** Everything the server held for this candidate and sitting, in seq order. */
  changes: z.array(answerChangeSchema).max(1_000_000),
  highestSeq: z.number().int().nonnegative(),
  consent: z.strictObject({
    /** The chief examiner's certificate CN. */
    chiefExaminer: safeText(200, 1),
    reason: safeText(500, 1),
    signedAt: isoDate,
  }),
  /** Whom the answer file is encrypted for; signed with the rest, so the machine needs nothing more. */
  answerRecipients: z.strictObject({ siteCertPem: certPem, centreCertPem: certPem }),
  /**
   * Who built it: the site server (signed by the site certificate; absent in packages from
   * before) or a proctor console from its replica while the site was down (signed by the
   * chief examiner's certificate).
   */
  builtBy: z.enum(['site', 'console']).optional(),
});
export type StandalonePackageContent = z.infer<typeof standalonePackageContentSchema>;

/**
 * What a package shows before its code is typed: signed with the rest but not encrypted, so
 * the machine can say whose package it is, for which machine, until when. The paper, the
 * answers and the photo stay encrypted.
 */
export const standalonePackageMetaSchema = z.strictObject({
  ...standalonePackageContentSchema.pick({
    packageId: true,
    siteId: true,
    sittingId: true,
    roomId: true,
    examDay: true,
    issuedAt: true,
    expiresAt: true,
    targetMachineFingerprint: true,
  }).shape,
  ticketNo,
  name: standaloneCandidateSchema.shape.name,
});
export type StandalonePackageMeta = z.infer<typeof standalonePackageMetaSchema>;

export const standaloneHandInSchema = z.strictObject({
  /** On the machine's monotonic count since the package's issuedAt. */
  elapsedMs: z.number().int().nonnegative(),
  auto: z.boolean(),
  answersHash: hex64,
});
export type StandaloneHandIn = z.infer<typeof standaloneHandInSchema>;

/** A change made on the machine: `elapsedMs` is ms since the package's issuedAt on its monotonic count. */
export const standaloneAnswerChangeSchema = answerChangeSchema.extend({
  elapsedMs: z.number().int().nonnegative(),
});
export type StandaloneAnswerChange = z.infer<typeof standaloneAnswerChangeSchema>;

export const standaloneAnswerFileSchema = z.strictObject({
  formatVersion: z.literal(1),
  packageId: standalonePackageIdSchema,
  /** 1, 2, 3… per package on that machine, never reused. */
  fileSeq: z.number().int().min(1).max(1_000_000),
  siteId: id,
  sittingId: id,
  ticketNo,
  machineFingerprint: hex64,
  writtenElapsedMs: z.number().int().nonnegative(),
  changes: z.array(standaloneAnswerChangeSchema).max(1_000_000),
  handIn: standaloneHandInSchema.nullable(),
});
export type StandaloneAnswerFile = z.infer<typeof standaloneAnswerFileSchema>;

/** What an answer file shows without a recipient key: whose it is and whether it holds the hand-in. */
export const standaloneAnswerFileMetaSchema = z.strictObject({
  ...standaloneAnswerFileSchema.pick({
    packageId: true,
    fileSeq: true,
    siteId: true,
    sittingId: true,
    ticketNo: true,
    machineFingerprint: true,
  }).shape,
  handedIn: z.boolean(),
});
export type StandaloneAnswerFileMeta = z.infer<typeof standaloneAnswerFileMetaSchema>;

export type StandaloneConsentAction = 'export' | 'cancel';

/**
 * The exact text a chief examiner signs to export (subject: the target machine fingerprint) or
 * to cancel (subject: the packageId) a standalone package, with a fresh server challenge.
 * One field per line: a field cannot hold a line break (safeText), so no two statements read alike.
 */
export function standaloneConsentStatement(p: {
  action: StandaloneConsentAction;
  siteId: string;
  sittingId: string;
  ticketNo: string;
  subject: string;
  reason: string;
  challenge: string;
}): string {
  return [
    'exam-standalone-consent/v1',
    p.action,
    p.siteId,
    p.sittingId,
    p.ticketNo,
    p.subject,
    p.reason,
    p.challenge,
  ].join('\n');
}
