import { arrangementCheckRequestSchema, ERROR_CODES, parseMessage } from '@exam/protocol';
import type { FastifyInstance, FastifyReply, onRequestAsyncHookHandler } from 'fastify';
import { arrangementOverview, checkArrangement } from '../adminViews/arrangementChecks.js';
import { type LiveRooms, registeredKeys, roomsOverview, siteOverview } from '../adminViews/roomsOverview.js';
import type { SiteContext } from '../site/context.js';
import { toFailure } from '../sockets/handler.js';
import { adminActor } from './adminAuth.js';

/**
 * The site admin page's read views and the arrangement check (issue 18, point 5), behind
 * the one admin guard. Every reply is `{ ok, value }` or `{ ok: false, error }`.
 */
export function registerAdminViewRoutes(
  app: FastifyInstance,
  ctx: SiteContext,
  guard: onRequestAsyncHookHandler,
  live: LiveRooms,
): void {
  const run = async <T>(reply: FastifyReply, fn: () => T) => {
    try {
      return { ok: true, value: fn() };
    } catch (e) {
      const failure = toFailure(e, ctx.log, 'http');
      const code = !failure.ok && failure.error.code === ERROR_CODES.INTERNAL ? 500 : 400;
      return reply.code(code).send(failure);
    }
  };

  // The exam the site holds (nothing before the import): the header of every screen.
  app.get('/api/admin/overview', { onRequest: guard }, async (_req, reply) =>
    run(reply, () => siteOverview(ctx)),
  );
  // Every room at a glance: machines, each sitting's state and counts, the console.
  app.get('/api/admin/rooms', { onRequest: guard }, async (_req, reply) =>
    run(reply, () => roomsOverview(ctx, live)),
  );
  app.get('/api/admin/keys', { onRequest: guard }, async (_req, reply) =>
    run(reply, () => registeredKeys(ctx)),
  );
  app.get('/api/admin/arrangement', { onRequest: guard }, async (_req, reply) =>
    run(reply, () => arrangementOverview(ctx)),
  );
  app.post('/api/admin/arrangement-check', { onRequest: guard }, async (req, reply) =>
    run(reply, () => {
      const { code } = parseMessage(arrangementCheckRequestSchema, req.body);
      return checkArrangement(ctx, adminActor(req), code);
    }),
  );
}
