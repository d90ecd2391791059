import { closeSync, fsyncSync, lstatSync, openSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, sha256Hex } from '@exam/crypto';
import {
  type CleanupChecklist,
  type CleanupReport,
  type CleanupRequest,
  ERROR_CODES,
  ProtocolError,
} from '@exam/protocol';
import type { Actor } from '../audit/actor.js';
import { appendAudit } from '../audit/auditLog.js';
import { writeTransaction } from '../db/transactions.js';
import type { SiteContext } from '../site/context.js';
import { writeFileDurably } from '../site/durableFile.js';
import { getMeta } from '../site/metaTable.js';
import { listUploads } from '../uploads/uploadsTable.js';
import { type BackupChecklistFn, cleanupChecklist } from './cleanupChecklist.js';
import { type VerifiedOverride, verifyCleanupOverride } from './cleanupOverride.js';
import { buildFinalAuditExport } from './finalAuditExport.js';

/** What stays in the data directory: the CLI's token and what the cleanup itself wrote. */
const KEPT = [/^admin-token$/, /^final-audit-.+\.json$/, /^cleanup-report-.+\.json$/];

export interface CleanupDeps {
  dataDir: string;
  backups: BackupChecklistFn;
  /**
   * Stops every live part that holds the data open (sockets, timers, the answer writer, the
   * database connection) while the HTTP server goes on answering: then the files can go.
   */
  stopLive: () => Promise<void>;
}

/**
 * The guarded cleanup (issue 18, point 4; decision 0018). Refuses, listing every missing item,
 * unless the checklist is complete or a chief examiner's override names exactly that list.
 * Then, in this order: the decision and the override enter the audit chain; the whole chain
 * is exported, signed and written durably; the live parts stop and site.db closes; everything
 * in the data directory but the admin token and the cleanup's own files is removed; a report
 * of what was removed (with every receipt) is written. A crash before the removal leaves
 * site.db whole, so the cleanup can run again (with a new export); a crash during the
 * removal is the one case an admin finishes by hand (decision 0018).
 */
export async function runCleanup(
  ctx: SiteContext,
  deps: CleanupDeps,
  request: CleanupRequest,
  actor: Actor,
): Promise<CleanupReport> {
  const checklist = cleanupChecklist(ctx, deps.backups);
  const siteId = checklist.siteId;
  if (siteId === null) {
    throw new ProtocolError(
      ERROR_CODES.NOT_READY,
      'This site holds no exam data: there is nothing to clean up.',
    );
  }
  let override: VerifiedOverride | null = null;
  if (checklist.missing.length > 0) {
    if (!request.override) throw incomplete(checklist);
    override = verifyCleanupOverride(ctx, request.override, siteId, checklist.missing);
  } else if (request.override) {
    throw new ProtocolError(
      ERROR_CODES.INVALID_MESSAGE,
      'Nothing is missing: the cleanup needs no override. Send it without one.',
    );
  }

  const now = ctx.clock.now();
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const receipts = receiptsOf(ctx);
  const examId = getMeta(ctx.db, 'examId');
  writeTransaction(ctx.db, () => {
    if (override) {
      appendAudit(ctx.db, now, {
        actorRole: 'chief',
        actorId: override.holder,
        action: 'cleanup-override',
        subject: siteId,
        data: {
          fingerprint: override.fingerprint,
          commonName: override.commonName,
          statement: override.statement,
          signature: override.signature,
          certPem: override.certPem,
        },
      });
    }
    appendAudit(ctx.db, now, {
      actorRole: actor.role,
      actorId: actor.id,
      action: 'site-cleanup',
      subject: siteId,
      data: { missing: checklist.missing, overridden: override !== null, receipts: receipts.length },
    });
  });
  const finalAudit = `final-audit-${stamp}.json`;
  const exported = buildFinalAuditExport(ctx, override);
  writeFileDurably(join(deps.dataDir, finalAudit), Buffer.from(JSON.stringify(exported, null, 2)), 0o600);
  syncDir(deps.dataDir);

  await deps.stopLive();
  const removed: CleanupReport['removed'] = [];
  const kept: string[] = [];
  for (const name of readdirSync(deps.dataDir).sort()) {
    if (KEPT.some((k) => k.test(name))) {
      kept.push(name);
      continue;
    }
    const path = join(deps.dataDir, name);
    removed.push({ path: name, bytes: sizeOf(path) });
    rmSync(path, { recursive: true, force: true });
  }
  const reportFile = `cleanup-report-${stamp}.json`;
  const report: CleanupReport = {
    cleanedAt: new Date(now).toISOString(),
    siteId,
    examId,
    removed,
    kept: [...kept, reportFile].sort(),
    finalAuditExport: finalAudit,
    reportFile,
    receipts: receipts.map(({ sittingId, receiptId, sha256 }) => ({ sittingId, receiptId, sha256 })),
    override: override
      ? {
          holder: override.holder,
          fingerprint: override.fingerprint,
          missing: override.statement.missing,
          reason: override.statement.reason,
        }
      : null,
  };
  // The receipts themselves go in the report too: the centre's signed word that it holds the answers.
  const withReceipts = { ...report, signedReceipts: receipts.map((r) => r.receipt) };
  writeFileDurably(join(deps.dataDir, reportFile), Buffer.from(JSON.stringify(withReceipts, null, 2)), 0o600);
  syncDir(deps.dataDir);
  ctx.log.info({ removed: removed.map((r) => r.path), finalAudit, reportFile }, 'site data cleaned up');
  return report;
}

function incomplete(checklist: CleanupChecklist): ProtocolError {
  return new ProtocolError(
    ERROR_CODES.CHECKLIST_INCOMPLETE,
    `Cleanup refused: ${checklist.missing.length} item(s) missing. ${checklist.missing.join('; ')}`,
    { missing: checklist.missing, checklist },
  );
}

function receiptsOf(ctx: SiteContext) {
  return listUploads(ctx.db)
    .filter((r) => r.state === 'receipt-verified' && r.receipt !== null)
    .map((r) => {
      const receipt = JSON.parse(r.receipt!) as { receipt: { receiptId: string } };
      return {
        sittingId: r.sitting_id,
        receiptId: receipt.receipt.receiptId,
        sha256: sha256Hex(canonicalJson(receipt)),
        receipt,
      };
    });
}

function sizeOf(path: string): number {
  const st = lstatSync(path);
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const name of readdirSync(path)) total += sizeOf(join(path, name));
  return total;
}

/** A rename or unlink is durable only once the directory itself is synced. */
function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
