import {
  type AdminSessionState,
  adminPasswordChangeRequestSchema,
  adminSignInRequestSchema,
  parseMessage,
} from '@exam/protocol';
import type { FastifyInstance } from 'fastify';
import type { AdminAccount } from '../admin/adminAccount.js';
import {
  ADMIN_SESSION_COOKIE,
  clearedCookieHeader,
  findLiveAdminSession,
  readCookie,
  sessionCookieHeader,
} from '../admin/adminSessions.js';
import type { SiteContext } from '../site/context.js';
import { adminActor, adminCredential } from './adminAuth.js';
import { replyWith } from './adminReply.js';

type Guard = ReturnType<typeof import('./adminAuth.js').adminGuard>;

/**
 * The site admin's sign-in (decision 0018): a password gives an HttpOnly session cookie and
 * the CSRF token the page sends back on every change; `GET` lets a reloaded page find its
 * session again; `DELETE` signs out; `/api/admin/password` changes the password.
 */
export function registerSessionRoutes(
  app: FastifyInstance,
  ctx: SiteContext,
  account: AdminAccount,
  guard: Guard,
): void {
  app.post('/api/admin/session', async (req, reply) =>
    replyWith(reply, ctx.log, 'admin-sign-in', async () => {
      const { password } = parseMessage(adminSignInRequestSchema, req.body);
      const { cookie, session } = await account.signIn(password, req.ip);
      reply.header('set-cookie', sessionCookieHeader(cookie));
      return { csrf: session.csrf, initialPassword: account.isInitialPassword() };
    }),
  );

  app.get('/api/admin/session', async (req, reply) =>
    replyWith(reply, ctx.log, 'admin-session', (): AdminSessionState => {
      const cookie = readCookie(req.headers.cookie, ADMIN_SESSION_COOKIE);
      const session = cookie === null ? null : findLiveAdminSession(ctx.db, cookie, ctx.clock.now());
      if (!session) return { signedIn: false };
      return { signedIn: true, csrf: session.csrf, initialPassword: account.isInitialPassword() };
    }),
  );

  app.delete('/api/admin/session', { onRequest: guard }, async (req, reply) =>
    replyWith(reply, ctx.log, 'admin-sign-out', () => {
      const c = adminCredential(req);
      if (c?.via === 'session') account.signOut(c.session, adminActor(req));
      reply.header('set-cookie', clearedCookieHeader());
      return { signedIn: false };
    }),
  );

  app.post('/api/admin/password', { onRequest: guard }, async (req, reply) =>
    replyWith(reply, ctx.log, 'admin-password', async () => {
      const body = parseMessage(adminPasswordChangeRequestSchema, req.body);
      const c = adminCredential(req);
      await account.changePassword(
        body.old,
        body.new,
        req.ip,
        adminActor(req),
        c?.via === 'session' ? c.session : null,
      );
      return { changed: true };
    }),
  );
}
