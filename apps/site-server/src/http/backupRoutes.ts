import { ERROR_CODES, ProtocolError, parseMessage, siteBackupRequestSchema } from '@exam/protocol';
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { backupChecklist } from '../backups/backupChecklist.js';
import { backupsStatus } from '../backups/backupStatus.js';
import { siteBackupsOf } from '../backups/siteBackups.js';
import type { SiteContext } from '../site/context.js';
import { replyWith } from './adminReply.js';

/**
 * The backups (issue 18), behind the admin guard: the list per sitting and per room, the
 * cleanup's checklist, and the site backup on demand (answered once written and verified).
 */
export function registerBackupRoutes(
  app: FastifyInstance,
  ctx: SiteContext,
  requireAdmin: onRequestAsyncHookHandler,
): void {
  app.get('/api/admin/backups', { onRequest: requireAdmin }, async (_req, reply) =>
    replyWith(reply, ctx.log, 'backups', () => ({ ...backupsStatus(ctx), checklist: backupChecklist(ctx) })),
  );
  app.post('/api/admin/backups/site', { onRequest: requireAdmin }, async (req, reply) =>
    replyWith(reply, ctx.log, 'backups:site', async () => {
      const { sittingId } = parseMessage(siteBackupRequestSchema, req.body ?? {});
      const job = siteBackupsOf(ctx);
      if (!job) throw new ProtocolError(ERROR_CODES.NOT_READY, 'The backup job is not running.');
      const { timings: _t, ...made } = await job.backupNow(sittingId ?? null);
      return made;
    }),
  );
}
