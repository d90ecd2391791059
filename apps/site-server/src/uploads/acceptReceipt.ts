import { ReceiptVerificationError, verifyReceipt } from '@exam/centre';
import type { Receipt } from '@exam/protocol';
import { appendAudit } from '../audit/auditLog.js';
import { writeTransaction } from '../db/transactions.js';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';
import { markReceiptVerified, type UploadRow } from './uploadsTable.js';

/** A receipt the site will not take: signed by someone else, or for other bytes. */
export class ReceiptRefused extends Error {
  readonly code = 'RECEIPT_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'ReceiptRefused';
  }
}

/**
 * Takes a signed receipt for an upload only if it verifies: signed by the centre's receiver
 * (a certificate chaining to the centre root this site trusts, role 'receiver') and for this
 * site, this sitting and these exact bytes. A receipt replayed from another sitting or an
 * older package is refused and nothing is recorded. Once taken, the receipt is kept with the
 * upload and the audit trail says so, in one transaction.
 */
export function acceptReceipt(
  ctx: SiteContext,
  row: UploadRow,
  signed: unknown,
  via: 'network' | 'media',
): Receipt {
  let receipt: Receipt;
  try {
    receipt = verifyReceipt(signed, {
      centreRootPem: ctx.identity.trustedRootPem,
      expectedSiteId: getMeta(ctx.db, 'siteId') ?? '',
      expectedSittingId: row.sitting_id,
      expectedSha256: row.sha256,
    });
  } catch (e) {
    if (e instanceof ReceiptVerificationError) throw new ReceiptRefused(e.message);
    throw e;
  }
  const at = ctx.clock.now();
  writeTransaction(ctx.db, () => {
    markReceiptVerified(
      ctx.db,
      { sittingId: row.sitting_id, sha256: row.sha256 },
      JSON.stringify(signed),
      row.size,
      at,
    );
    appendAudit(ctx.db, at, {
      actorRole: 'system',
      actorId: 'site',
      action: 'answers.receipt-verified',
      subject: row.sitting_id,
      data: {
        via,
        sha256: row.sha256,
        receiptId: receipt.receiptId,
        version: receipt.version,
        flagged: receipt.flagged,
        receivedAt: receipt.receivedAt,
      },
    });
  });
  return receipt;
}
