import { z } from 'zod';
import { safeText } from './safeText.js';

/**
 * The upload of a sitting's answer package from a site to the centre's receiver (issue 18):
 * the requests the receiver reads, the replies the site reads, and the signed receipt both
 * sides check (`verifyReceipt` in @exam/centre). JSON everywhere except the chunk bodies.
 */

const id = safeText(64, 1);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
/** The largest answer package the receiver takes: a 2,000-candidate sitting is far below. */
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024;

/** `POST /api/uploads`: announce a package by its hash and size. */
export const uploadStartRequestSchema = z.strictObject({
  sha256: sha256Hex,
  size: z.number().int().positive().max(MAX_UPLOAD_BYTES),
  fileName: safeText(200, 1),
});
export type UploadStartRequest = z.infer<typeof uploadStartRequestSchema>;

/** What the receiver signs and the site keeps: one received package of one sitting. */
export const receiptSchema = z.strictObject({
  receiptId: id,
  examId: id,
  siteId: id,
  sittingId: id,
  packageSha256: sha256Hex,
  size: z.number().int().positive(),
  counts: z.strictObject({
    candidates: z.number().int().min(0),
    handedIn: z.number().int().min(0),
    changes: z.number().int().min(0),
  }),
  /** The sitting's final package (every room had ended); an interim or unstated one is not. */
  final: z.boolean(),
  /** 1 for the sitting's first package; 2, 3… for a different package of a sitting received. */
  version: z.number().int().positive(),
  /** Set on every version after the first: a person at the centre must look at it. */
  flagged: z.boolean(),
  receivedAt: z.iso.datetime(),
});
export type Receipt = z.infer<typeof receiptSchema>;

/** The receipt as sent: `signature` is RSA-PSS (base64) over `canonicalJson(receipt)`. */
export const signedReceiptSchema = z.strictObject({
  receipt: receiptSchema,
  signature: z.base64().min(1).max(2048),
  receiverCertPem: z.string().min(1).max(16_384),
});
export type SignedReceipt = z.infer<typeof signedReceiptSchema>;

/** Why the receiver refused: a stable code for the site, a sentence for a person. */
export const UPLOAD_ERROR_CODES = Object.freeze([
  'INVALID_REQUEST',
  'NOT_A_SITE',
  'UNKNOWN_UPLOAD',
  'OFFSET_MISMATCH',
  'TOO_LARGE',
  'INCOMPLETE',
  'HASH_MISMATCH',
  'BAD_PACKAGE',
  'WRONG_SITE',
  'UNKNOWN_EXAM',
  'UNKNOWN_SITTING',
  'INTERNAL',
] as const);
export type UploadErrorCode = (typeof UPLOAD_ERROR_CODES)[number];

export const uploadErrorSchema = z.strictObject({
  code: z.enum(UPLOAD_ERROR_CODES),
  message: z.string().max(4000),
  /** OFFSET_MISMATCH: the offset the receiver holds, to continue from. */
  offset: z.number().int().min(0).optional(),
  /** BAD_PACKAGE: the verifier's reasons. */
  reasons: z.array(z.string().max(4000)).max(50).optional(),
});
export type UploadError = z.infer<typeof uploadErrorSchema>;

const failure = z.strictObject({ ok: z.literal(false), error: uploadErrorSchema });
const replyOf = <T extends z.ZodRawShape>(shape: T) =>
  z.union([z.strictObject({ ok: z.literal(true), ...shape }), failure]);

/**
 * `POST /api/uploads`: where to continue (`uploadId`, `offset`), or the receipt when these
 * bytes were already received in full (also the way to fetch a receipt whose reply was lost:
 * a completed upload's id is forgotten, its bytes' receipt is not).
 */
export const uploadStartReplySchema = z.union([
  z.strictObject({
    ok: z.literal(true),
    uploadId: id,
    offset: z.number().int().min(0),
  }),
  z.strictObject({ ok: z.literal(true), receipt: signedReceiptSchema }),
  failure,
]);
export type UploadStartReply = z.infer<typeof uploadStartReplySchema>;

/** `PATCH /api/uploads/:uploadId`: the offset stored (fsync'd) after the chunk. */
export const uploadChunkReplySchema = replyOf({ offset: z.number().int().min(0) });
export type UploadChunkReply = z.infer<typeof uploadChunkReplySchema>;

/** `POST /api/uploads/:uploadId/complete`: the signed receipt. */
export const uploadCompleteReplySchema = replyOf({ receipt: signedReceiptSchema });
export type UploadCompleteReply = z.infer<typeof uploadCompleteReplySchema>;

/** The header that names where a chunk starts (as in the tus protocol). */
export const UPLOAD_OFFSET_HEADER = 'upload-offset';

/** `GET /api/exams/:examId/status`: per expected site and sitting, received or missing. */
export interface ReceivedVersion {
  version: number;
  receiptId: string;
  packageSha256: string;
  size: number;
  final: boolean;
  flagged: boolean;
  receivedAt: string;
}
export interface SittingReceipt {
  siteId: string;
  sittingId: string;
  state: 'received' | 'missing';
  /** Whether any version after the first came in (a person must look). */
  flagged: boolean;
  versions: ReceivedVersion[];
}
export interface ExamReceiptStatus {
  examId: string;
  sittings: SittingReceipt[];
  received: number;
  missing: number;
}

/**
 * The manifest a site writes beside an answer package exported to media when the uplink
 * fails (`exportUploadMedia`), read by the city's `import-media` before anything is accepted.
 */
export const mediaManifestSchema = z.strictObject({
  /** The site's MEDIA_MANIFEST_FORMAT. */
  format: z.literal('exam-answer-media/1'),
  examId: id,
  siteId: id,
  sittingId: id,
  /** The package's file name in the same folder: a plain name, never a path. */
  file: safeText(200, 1).refine((f) => /^[^/\\]+$/.test(f) && f !== '.' && f !== '..', 'A plain file name.'),
  sha256: sha256Hex,
  size: z.number().int().positive().max(MAX_UPLOAD_BYTES),
  exportedAt: z.number().int().min(0),
});
export type MediaManifestFile = z.infer<typeof mediaManifestSchema>;
