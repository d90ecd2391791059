import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { sha256Hex } from '@exam/crypto';
import { ERROR_CODES, ProtocolError, type Receipt, signedReceiptSchema } from '@exam/protocol';
import { appendAudit } from '../audit/auditLog.js';
import { writeTransaction } from '../db/transactions.js';
import { listAnswerPackages } from '../exports/answerPackagesTable.js';
import type { SiteContext } from '../site/context.js';
import { writeFileDurably } from '../site/durableFile.js';
import { getMeta } from '../site/metaTable.js';
import { acceptReceipt, ReceiptRefused } from './acceptReceipt.js';
import { getUpload, queueUpload } from './uploadsTable.js';

/** The manifest's format name: what the centre's import reads beside the package. */
export const MEDIA_MANIFEST_FORMAT = 'exam-answer-media/1';

export interface MediaManifest {
  format: typeof MEDIA_MANIFEST_FORMAT;
  examId: string;
  siteId: string;
  sittingId: string;
  /** The package's file name in the same folder. */
  file: string;
  sha256: string;
  size: number;
  exportedAt: number;
}

/**
 * When the uplink fails (issue 18): the sitting's final package and a small manifest (which
 * exam, site and sitting, the hash and size) go to a folder the admin picks, a USB stick the
 * city carries to its uplink. The copy is read back and its hash checked before this says it
 * is done, and the sitting's upload is queued so a receipt file can be matched to it.
 */
export function exportUploadMedia(
  ctx: SiteContext,
  sittingId: string,
  folder: string,
): { packagePath: string; manifestPath: string; sha256: string; size: number } {
  if (!isAbsolute(folder))
    throw new ProtocolError(ERROR_CODES.INVALID_MESSAGE, 'The folder must be an absolute path.');
  const final = listAnswerPackages(ctx.db).findLast(
    (p) => p.sittingId === sittingId && p.finality === 'final',
  );
  if (!final || !existsSync(final.path)) {
    throw new ProtocolError(ERROR_CODES.NOT_READY, `Sitting ${sittingId} has no final answer package yet.`);
  }
  const bytes = readFileSync(final.path);
  if (sha256Hex(bytes) !== final.sha256) {
    throw new ProtocolError(ERROR_CODES.BAD_PACKAGE, 'The final package on disk is not the one recorded.');
  }
  mkdirSync(folder, { recursive: true });
  const file = basename(final.path);
  const packagePath = join(folder, file);
  const manifestPath = join(folder, `${file.replace(/\.exampkg$/, '')}.manifest.json`);
  const at = ctx.clock.now();
  const manifest: MediaManifest = {
    format: MEDIA_MANIFEST_FORMAT,
    examId: getMeta(ctx.db, 'examId') ?? '',
    siteId: getMeta(ctx.db, 'siteId') ?? '',
    sittingId,
    file,
    sha256: final.sha256,
    size: bytes.length,
    exportedAt: at,
  };
  writeFileDurably(packagePath, bytes);
  // A stick can lose writes: what is on it now is what the centre will get.
  if (sha256Hex(readFileSync(packagePath)) !== final.sha256) {
    throw new ProtocolError(ERROR_CODES.STORAGE_FULL, 'The copy on the media does not read back intact.');
  }
  writeFileDurably(manifestPath, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
  writeTransaction(ctx.db, () => {
    queueUpload(ctx.db, { sittingId, sha256: final.sha256, path: final.path, size: bytes.length, at });
    appendAudit(ctx.db, at, {
      actorRole: 'site-admin',
      actorId: 'admin',
      action: 'answers.media-exported',
      subject: sittingId,
      data: { sha256: final.sha256, size: bytes.length, folder },
    });
  });
  ctx.log.info({ sittingId, packagePath, sha256: final.sha256 }, 'answer package exported to media');
  return { packagePath, manifestPath, sha256: final.sha256, size: bytes.length };
}

/**
 * A receipt file the centre wrote for a package that travelled on media: taken only if it
 * verifies for this site and for a package this site recorded (sitting and hash), then the
 * sitting's upload is `receipt-verified` as if it had come over the network.
 */
export function importReceiptFile(ctx: SiteContext, body: unknown): Receipt {
  const claimed = signedReceiptSchema.safeParse(body);
  if (!claimed.success) throw new ProtocolError(ERROR_CODES.INVALID_MESSAGE, 'This is not a receipt file.');
  // The claim only finds the row; acceptReceipt checks the receipt against the row itself.
  const { sittingId, packageSha256 } = claimed.data.receipt;
  const row = getUpload(ctx.db, { sittingId, sha256: packageSha256 });
  if (!row) {
    throw new ProtocolError(
      ERROR_CODES.UNKNOWN_PACKAGE,
      'No answer package of this site matches this receipt.',
    );
  }
  try {
    return acceptReceipt(ctx, row, body, 'media');
  } catch (e) {
    if (e instanceof ReceiptRefused) {
      throw new ProtocolError(ERROR_CODES.BAD_PACKAGE, `The receipt was refused: ${e.message}`, {
        refused: 'receipt',
      });
    }
    throw e;
  }
}
