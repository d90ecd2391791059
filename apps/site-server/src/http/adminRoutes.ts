import { ERROR_CODES, PROTOCOL_VERSION } from '@exam/protocol';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { writeAnswerPackage } from '../exports/answerExport.js';
import { siteStatus } from '../exports/siteStatus.js';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';
import { importAuthorization, importExamData } from '../sittings/examImport.js';
import { toFailure } from '../sockets/handler.js';
import { exportUploadMedia, importReceiptFile } from '../uploads/media.js';
import type { UploadsStatus } from '../uploads/uploadStatus.js';
import { adminGuard } from './adminAuth.js';
import { registerBackupRoutes } from './backupRoutes.js';
import { registerErrorReplies } from './errorReplies.js';
import { registerTransferRoutes } from './transferRoutes.js';

const MAX_PACKAGE_BYTES = 512 * 1024 * 1024;

/**
 * The site admin's REST surface. `adminGuard` (the signed-in session, or the bearer token
 * the data directory holds for the local CLI) guards every route but the health check.
 */
export function registerAdminRoutes(
  app: FastifyInstance,
  ctx: SiteContext,
  adminToken: string,
  uploads: () => UploadsStatus,
): void {
  registerErrorReplies(app, ctx.log);
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: MAX_PACKAGE_BYTES },
    (_req, body, done) => done(null, body),
  );

  // One guard for every admin route: the signed-in session (+ CSRF) or the CLI's bearer token.
  const requireAdmin = adminGuard(ctx, adminToken);
  registerBackupRoutes(app, ctx, requireAdmin);
  registerTransferRoutes(app, ctx, requireAdmin);

  const run = async <T>(reply: FastifyReply, fn: () => T) => {
    try {
      return { ok: true, value: fn() };
    } catch (e) {
      const failure = toFailure(e, ctx.log, 'http');
      const code = !failure.ok && failure.error.code === ERROR_CODES.INTERNAL ? 500 : 400;
      return reply.code(code).send(failure);
    }
  };

  app.get('/api/health', async () => ({
    ok: true,
    protocolVersion: PROTOCOL_VERSION,
    examId: getMeta(ctx.db, 'examId'),
    serverNow: ctx.clock.now(),
  }));

  const asBuffer = (body: unknown): Buffer => (Buffer.isBuffer(body) ? body : Buffer.alloc(0));

  app.post('/api/admin/exam-data', { onRequest: requireAdmin }, async (req, reply) =>
    run(reply, () => importExamData(ctx, asBuffer(req.body))),
  );
  app.post('/api/admin/authorization', { onRequest: requireAdmin }, async (req, reply) =>
    run(reply, () => importAuthorization(ctx, asBuffer(req.body))),
  );
  // Final once every room of the sitting has ended; before that an interim export, named and
  // marked so (writeAnswerPackage decides). An unknown sitting is refused before any record.
  app.post<{ Params: { sittingId: string } }>(
    '/api/admin/sittings/:sittingId/answer-package',
    { onRequest: requireAdmin },
    async (req, reply) => run(reply, () => writeAnswerPackage(ctx, req.params.sittingId)),
  );
  // Per sitting: the rooms that have not ended and the packages written (final / interim).
  app.get('/api/admin/status', { onRequest: requireAdmin }, async (_req, reply) =>
    run(reply, () => siteStatus(ctx)),
  );
  // Per sitting: the upload of its final package to the centre (issue 18), and the receipt.
  app.get('/api/admin/uploads', { onRequest: requireAdmin }, async (_req, reply) => run(reply, uploads));
  // When the uplink fails: the final package and a manifest to a folder (a USB stick) …
  app.post<{ Params: { sittingId: string }; Body: { folder?: unknown } }>(
    '/api/admin/uploads/:sittingId/media',
    { onRequest: requireAdmin },
    async (req, reply) =>
      run(reply, () => exportUploadMedia(ctx, req.params.sittingId, String(req.body?.folder ?? ''))),
  );
  // … and the receipt file the centre wrote for it, which confirms the sitting.
  app.post('/api/admin/uploads/receipt', { onRequest: requireAdmin }, async (req, reply) =>
    run(reply, () => importReceiptFile(ctx, req.body)),
  );
}
