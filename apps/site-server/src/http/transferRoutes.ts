import { parseMessage, transferReportQuerySchema } from '@exam/protocol';
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import type { SiteContext } from '../site/context.js';
import { printTransferReport } from '../transfers/printTransferReport.js';
import { adminActor } from './adminAuth.js';
import { replyWith } from './adminReply.js';

/**
 * `GET /api/admin/sittings/:sittingId/transfer-report[?roomId=]`: the transfer report
 * (应试人员跨考场调动单, issue 19) of the whole site, or of one room, as a PDF to print.
 */
export function registerTransferRoutes(
  app: FastifyInstance,
  ctx: SiteContext,
  requireAdmin: onRequestAsyncHookHandler,
): void {
  app.get<{ Params: { sittingId: string }; Querystring: unknown }>(
    '/api/admin/sittings/:sittingId/transfer-report',
    { onRequest: requireAdmin },
    async (req, reply) => {
      let pdf: { fileName: string; bytes: Buffer } | undefined;
      const failed = await replyWith(reply, ctx.log, 'admin-transfer-report', async () => {
        const query = parseMessage(transferReportQuerySchema, req.query ?? {});
        pdf = await printTransferReport(ctx, adminActor(req), req.params.sittingId, query.roomId);
        return null;
      });
      if (!pdf) return failed;
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(pdf.fileName)}`)
        .send(pdf.bytes);
    },
  );
}
