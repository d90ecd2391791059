import { cleanupRequestSchema, parseMessage } from '@exam/protocol';
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { type BackupChecklistFn, cleanupChecklist } from '../admin/cleanupChecklist.js';
import type { CleanupState } from '../admin/cleanupState.js';
import { runCleanup } from '../admin/siteCleanup.js';
import type { SiteContext } from '../site/context.js';
import { adminActor } from './adminAuth.js';
import { replyWith } from './adminReply.js';

export interface CleanupRouteDeps {
  dataDir: string;
  backups: BackupChecklistFn;
  state: CleanupState;
  /** Stops the live parts and closes site.db; the HTTP server keeps answering. */
  stopLive: () => Promise<void>;
  /** Called once the cleanup's reply is sent (main.ts exits: the next start is an empty site). */
  onCleanedUp: () => void;
}

/**
 * `GET /api/admin/cleanup`: the guard's checklist (what is missing). `POST /api/admin/cleanup`
 * `{override?}`: the guarded cleanup, refused with CHECKLIST_INCOMPLETE and the list.
 */
export function registerCleanupRoutes(
  app: FastifyInstance,
  ctx: SiteContext,
  guard: onRequestAsyncHookHandler,
  deps: CleanupRouteDeps,
): void {
  app.get('/api/admin/cleanup', { onRequest: guard }, async (_req, reply) =>
    replyWith(reply, ctx.log, 'admin-cleanup-checklist', () => cleanupChecklist(ctx, deps.backups)),
  );

  let running = false;
  app.post('/api/admin/cleanup', { onRequest: guard }, async (req, reply) => {
    const result = await replyWith(reply, ctx.log, 'admin-cleanup', async () => {
      const request = parseMessage(cleanupRequestSchema, req.body ?? {});
      if (running) throw new Error('a cleanup is already running');
      running = true;
      try {
        const report = await runCleanup(
          ctx,
          {
            dataDir: deps.dataDir,
            backups: deps.backups,
            stopLive: async () => {
              deps.state.markCleaning();
              await deps.stopLive();
            },
          },
          request,
          adminActor(req),
        );
        deps.state.markCleaned();
        return report;
      } finally {
        running = false;
      }
    });
    if (!deps.state.live) reply.raw.once('finish', () => deps.onCleanedUp());
    return result;
  });
}
