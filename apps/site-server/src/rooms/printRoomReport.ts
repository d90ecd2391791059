import type { Actor } from '../audit/actor.js';
import { appendAudit } from '../audit/auditLog.js';
import { writeTransaction } from '../db/transactions.js';
import type { SiteContext } from '../site/context.js';
import { findCjkFont } from './cjkFont.js';
import { roomReportData } from './roomReportData.js';
import { renderRoomReportPdf } from './roomReportPdf.js';

/** Prints the room report after the end; each printing is recorded in the audit chain. */
export async function printRoomReport(
  ctx: SiteContext,
  actor: Actor,
  roomId: string,
  sittingId: string,
): Promise<{ fileName: string; bytes: Buffer }> {
  const data = roomReportData(ctx, roomId, sittingId);
  const now = ctx.clock.now();
  const bytes = await renderRoomReportPdf(data, findCjkFont(), now);
  writeTransaction(ctx.db, () =>
    appendAudit(ctx.db, now, {
      actorRole: actor.role,
      actorId: actor.id,
      action: 'report.room-printed',
      subject: `${roomId}/${sittingId}`,
      data: { bytes: bytes.length },
    }),
  );
  return { fileName: `考场情况记录单-${roomId}-${sittingId}.pdf`, bytes };
}
