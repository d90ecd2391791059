import type { Receipt } from '@exam/protocol';
import type { SiteContext } from '../site/context.js';
import { listUploads, type UploadRow, type UploadState } from './uploadsTable.js';

export interface SittingUpload {
  sittingId: string;
  state: UploadState;
  sha256: string;
  /** Bytes the receiver confirmed it stored, of `size`. */
  offset: number;
  size: number;
  attempts: number;
  lastError: string | null;
  updatedAt: number;
  receipt: {
    receiptId: string;
    version: number;
    flagged: boolean;
    receivedAt: string;
    counts: Receipt['counts'];
    verifiedAt: number;
  } | null;
}

export interface UploadsStatus {
  /** Where packages go; null: `--receiver-url` not given, nothing is uploaded. */
  receiverUrl: string | null;
  note: string | null;
  /** One entry per sitting with a final package: its latest package's upload. */
  sittings: SittingUpload[];
}

function summary(r: UploadRow): SittingUpload['receipt'] {
  if (r.receipt === null || r.receipt_verified_at === null) return null;
  // Stored only after verifyReceipt accepted it, so its shape is known.
  const { receipt } = JSON.parse(r.receipt) as { receipt: Receipt };
  return {
    receiptId: receipt.receiptId,
    version: receipt.version,
    flagged: receipt.flagged,
    receivedAt: receipt.receivedAt,
    counts: receipt.counts,
    verifiedAt: r.receipt_verified_at,
  };
}

/** The site admin's view of the uploads (`GET /api/admin/uploads`). */
export function uploadsStatus(ctx: SiteContext, receiverUrl: string | null): UploadsStatus {
  const latest = new Map<string, UploadRow>();
  for (const r of listUploads(ctx.db)) latest.set(r.sitting_id, r);
  return {
    receiverUrl,
    note: receiverUrl === null ? 'No receiver configured: answer packages are not uploaded.' : null,
    sittings: [...latest.values()].map((r) => ({
      sittingId: r.sitting_id,
      state: r.state,
      sha256: r.sha256,
      offset: r.sent_offset,
      size: r.size,
      attempts: r.attempts,
      lastError: r.last_error,
      updatedAt: r.updated_at,
      receipt: summary(r),
    })),
  };
}
