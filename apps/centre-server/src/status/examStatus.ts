import type { ExamReceiptStatus, SittingReceipt } from '@exam/protocol';
import type { ReceiverExam } from '../options.js';
import type { PackageRecord } from '../store/receiverStore.js';

/**
 * Per expected site and sitting of the exam: received (every version, oldest first) or
 * missing. Only `siteIds` are shown when given (a site sees its own sittings only).
 */
export function examStatus(
  exam: ReceiverExam,
  packages: readonly PackageRecord[],
  siteIds?: readonly string[],
): ExamReceiptStatus {
  const sittings: SittingReceipt[] = [];
  for (const site of exam.sites) {
    if (siteIds && !siteIds.includes(site.siteId)) continue;
    for (const sittingId of site.sittingIds) {
      const versions = packages
        .filter((p) => p.siteId === site.siteId && p.sittingId === sittingId)
        .sort((a, b) => a.version - b.version)
        .map((p) => ({
          version: p.version,
          receiptId: p.receiptId,
          packageSha256: p.sha256,
          size: p.size,
          final: p.final,
          flagged: p.flagged,
          receivedAt: p.receivedAt,
        }));
      sittings.push({
        siteId: site.siteId,
        sittingId,
        state: versions.length > 0 ? 'received' : 'missing',
        flagged: versions.some((v) => v.flagged),
        versions,
      });
    }
  }
  const received = sittings.filter((s) => s.state === 'received').length;
  return { examId: exam.examId, sittings, received, missing: sittings.length - received };
}
