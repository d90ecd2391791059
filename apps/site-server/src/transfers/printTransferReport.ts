import type { Actor } from '../audit/actor.js';
import { appendAudit } from '../audit/auditLog.js';
import { writeTransaction } from '../db/transactions.js';
import type { SiteContext } from '../site/context.js';
import { transferReportPdf } from './transferReport.js';

/** Prints the report (a room's part, or the site's); each printing is an audit event. */
export async function printTransferReport(
  ctx: SiteContext,
  actor: Actor,
  sittingId: string,
  roomId?: string,
): Promise<{ fileName: string; bytes: Buffer }> {
  const pdf = await transferReportPdf(ctx, sittingId, roomId);
  const now = ctx.clock.now();
  writeTransaction(ctx.db, () =>
    appendAudit(ctx.db, now, {
      actorRole: actor.role,
      actorId: actor.id,
      action: 'report.transfers-printed',
      subject: roomId ? `${roomId}/${sittingId}` : sittingId,
      data: { bytes: pdf.bytes.length },
    }),
  );
  return pdf;
}
