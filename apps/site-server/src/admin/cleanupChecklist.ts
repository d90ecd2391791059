import type { CleanupChecklist } from '@exam/protocol';
import { listAuditBySubjects } from '../audit/auditTable.js';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';
import { listRoomSittingsOf } from '../sittings/roomSittingsTable.js';
import { listSittingMetas } from '../sittings/sittingsTable.js';
import { listUploads, type UploadRow } from '../uploads/uploadsTable.js';

/** `backupChecklist` (apps/site-server/src/backups/backupChecklist.ts): every backup of the day made and verified. */
export type BackupChecklistFn = (ctx: SiteContext) => { complete: boolean; missing: string[] };

/**
 * What must be true before the site's data may be removed (issue 18, point 4): every sitting
 * that was held (a room started it) has a final answer package whose upload the centre
 * confirmed with a verified receipt (over the network or on media), and every backup exists
 * and is verified. Each missing item is one stable line: the chief examiner's override names
 * exactly this list, so the wording must not depend on anything that moves by itself.
 */
export function cleanupChecklist(ctx: SiteContext, backups: BackupChecklistFn): CleanupChecklist {
  const latest = new Map<string, UploadRow>();
  for (const r of listUploads(ctx.db)) if (r.state !== 'superseded') latest.set(r.sitting_id, r);
  const missing: string[] = [];
  const sittings: CleanupChecklist['sittings'] = [];
  for (const s of listSittingMetas(ctx.db)) {
    const held = listRoomSittingsOf(ctx.db, s.sitting_id).some((rs) => rs.started_at !== null);
    const upload = latest.get(s.sitting_id);
    const receiptVerified = upload?.state === 'receipt-verified';
    sittings.push({
      sittingId: s.sitting_id,
      held,
      receiptVerified,
      via: receiptVerified && upload ? receiptVia(ctx, upload) : null,
    });
    if (!held || receiptVerified) continue;
    missing.push(
      upload
        ? `场次 ${s.sitting_id} 的最终答卷包尚无已核验的回执（网络或介质）。 / Sitting ${s.sitting_id}'s final answer package has no verified receipt yet (network or media).`
        : `场次 ${s.sitting_id} 尚无最终答卷包。 / Sitting ${s.sitting_id} has no final answer package yet.`,
    );
  }
  const backupState = safeBackups(ctx, backups);
  missing.push(...backupState.missing);
  return { siteId: getMeta(ctx.db, 'siteId'), missing, sittings, backups: backupState };
}

/** A checklist that throws counts as incomplete: the guard fails closed. */
function safeBackups(ctx: SiteContext, backups: BackupChecklistFn): { complete: boolean; missing: string[] } {
  try {
    const b = backups(ctx);
    if (!b.complete && b.missing.length === 0) {
      return { complete: false, missing: ['备份清单未完成。 / The backup checklist is not complete.'] };
    }
    return b;
  } catch (e) {
    ctx.log.error({ err: e }, 'backup checklist failed');
    return { complete: false, missing: ['备份清单无法检查。 / The backup checklist could not be checked.'] };
  }
}

function receiptVia(ctx: SiteContext, upload: UploadRow): 'network' | 'media' | null {
  const events = listAuditBySubjects(ctx.db, [upload.sitting_id]).filter(
    (e) => e.action === 'answers.receipt-verified',
  );
  for (const e of events.reverse()) {
    const data = JSON.parse(e.data) as { via?: string; sha256?: string };
    if (data.sha256 === upload.sha256 && (data.via === 'network' || data.via === 'media')) return data.via;
  }
  return null;
}
