import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ReceiverContext } from '../context.js';
import { peerSubject } from '../uploads/clientSite.js';
import { refuse } from '../uploads/replies.js';
import { examStatus } from './examStatus.js';
import { statusPage } from './statusPage.js';

/**
 * Who may read an exam's status: the centre's staff (an `admin` certificate with no site) see
 * every site; a site (its `site` certificate, or a site's `admin`) sees its own sittings.
 */
function visibleSites(ctx: ReceiverContext, request: FastifyRequest): string[] | undefined {
  const subject = peerSubject(request.raw.socket as TLSSocket, ctx.centre.certPem, ctx.now());
  if (subject?.role === 'admin' && subject.siteId === undefined) return undefined;
  if ((subject?.role === 'site' || subject?.role === 'admin') && subject.siteId !== undefined)
    return [subject.siteId];
  return refuse(403, 'NOT_A_SITE', 'Only the centre or a site may read the status.');
}

async function statusOf(ctx: ReceiverContext, request: FastifyRequest) {
  const sites = visibleSites(ctx, request);
  const { examId } = request.params as { examId: string };
  const exam = ctx.exams.find((e) => e.examId === examId);
  if (!exam) return refuse(404, 'UNKNOWN_EXAM', `This receiver does not receive answers for exam ${examId}.`);
  return examStatus(exam, await ctx.store.packagesOfExam(examId), sites);
}

export function registerStatusRoutes(app: FastifyInstance, ctx: ReceiverContext): void {
  app.get('/api/exams/:examId/status', async (request) => ({
    ok: true,
    status: await statusOf(ctx, request),
  }));
  app.get('/status/:examId', async (request, reply) => {
    const { lang } = request.query as { lang?: string };
    reply.type('text/html; charset=utf-8');
    return statusPage(await statusOf(ctx, request), lang === 'en' ? 'en' : 'zh-CN');
  });
}
