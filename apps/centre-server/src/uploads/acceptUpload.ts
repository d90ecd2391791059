import { randomUUID } from 'node:crypto';
import { signReceipt } from '@exam/centre';
import { sha256Hex } from '@exam/crypto';
import type { SignedReceipt } from '@exam/protocol';
import type { ReceiverContext } from '../context.js';
import type { PackageRecord } from '../store/receiverStore.js';
import { checkPackage, receiptFor } from './acceptPackage.js';
import { UploadRefusal } from './replies.js';

/**
 * The receiver's one way of taking a package in: the bytes are complete in the upload's
 * partial file; they are hashed, verified in full (`checkPackage`), kept, and stored with a
 * signed receipt in one store transaction. The HTTPS route's completion and the city's media
 * import (`acceptPackageBytes`) both end here, so a package on a USB stick is checked and
 * receipted exactly as an upload is. A refusal keeps nothing of the package.
 */
export async function acceptCompleteUpload(
  ctx: ReceiverContext,
  u: { siteId: string; uploadId: string; sha256: string; size: number; via: 'network' | 'media' },
): Promise<PackageRecord> {
  const { siteId, uploadId } = u;
  const forget = async (e: unknown): Promise<never> => {
    await ctx.files.discardPartial(uploadId);
    await ctx.store.dropUpload(uploadId);
    const code = e instanceof UploadRefusal ? e.code : 'INTERNAL';
    ctx.log.warn(
      { siteId, uploadId, sha256: u.sha256, via: u.via, code, reason: (e as Error).message },
      'package refused',
    );
    throw e;
  };
  // One read of the file serves the hash and the verification.
  const bytes = await ctx.files.readPartial(uploadId);
  const sha256 = sha256Hex(bytes);
  if (sha256 !== u.sha256) {
    await forget(
      new UploadRefusal(422, 'HASH_MISMATCH', `The bytes received hash to ${sha256}, not ${u.sha256}.`),
    );
  }
  const receivedAt = ctx.now();
  let checked: ReturnType<typeof checkPackage>;
  try {
    checked = checkPackage(bytes, {
      clientSiteId: siteId,
      centre: ctx.centre,
      exams: ctx.exams,
      now: receivedAt,
    });
  } catch (e) {
    return forget(e);
  }
  const { verified } = checked;
  const file = await ctx.files.keep(uploadId);
  const stored = await ctx.store.addPackage(
    {
      examId: verified.package.examId,
      siteId,
      sittingId: verified.sittingId,
      sha256,
      size: u.size,
      file,
    },
    uploadId,
    (decided) => {
      const receipt = receiptFor(verified, { sha256, size: u.size, receivedAt }, decided);
      return {
        receiptId: receipt.receiptId,
        version: receipt.version,
        flagged: receipt.flagged,
        final: receipt.final,
        receivedAt: receipt.receivedAt,
        signed: signReceipt(receipt, ctx.tls),
      };
    },
  );
  // The same bytes stored meanwhile (a second connection): keep the first file only.
  if (stored.file !== file) await ctx.files.discardKept(file);
  ctx.log.info(
    {
      siteId,
      uploadId,
      via: u.via,
      examId: stored.examId,
      sittingId: stored.sittingId,
      sha256,
      version: stored.version,
      flagged: stored.flagged,
      receiptId: stored.receiptId,
    },
    stored.flagged ? 'package received as a new version: flagged' : 'package received',
  );
  return stored;
}

/**
 * A whole package handed over without HTTP (the city's media import): the bytes are written
 * as a one-chunk upload and accepted through `acceptCompleteUpload`. The same bytes already
 * received give the receipt already signed (idempotent); `siteId` is the site the package
 * claims to be from (the manifest's), which its signature must then prove.
 */
export async function acceptPackageBytes(
  ctx: ReceiverContext,
  p: { siteId: string; bytes: Buffer; sha256?: string },
): Promise<{ receipt: SignedReceipt; record: PackageRecord; alreadyReceived: boolean }> {
  const sha256 = p.sha256 ?? sha256Hex(p.bytes);
  const received = await ctx.store.packageBySha(p.siteId, sha256);
  if (received) {
    ctx.log.info(
      { siteId: p.siteId, sha256, receiptId: received.receiptId, via: 'media' },
      'already received',
    );
    return { receipt: received.signed, record: received, alreadyReceived: true };
  }
  const uploadId = randomUUID();
  return ctx.lock.run(uploadId, async () => {
    await ctx.files.writeChunk(uploadId, 0, p.bytes);
    const record = await acceptCompleteUpload(ctx, {
      siteId: p.siteId,
      uploadId,
      sha256,
      size: p.bytes.length,
      via: 'media',
    });
    return { receipt: record.signed, record, alreadyReceived: record.file !== `${uploadId}.answers` };
  });
}
