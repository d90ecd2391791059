import { ERROR_CODES, type ErrorCode, fail } from '@exam/protocol';
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import {
  ADMIN_CSRF_HEADER,
  ADMIN_SESSION_COOKIE,
  type AdminSession,
  findLiveAdminSession,
  readCookie,
  sameSecret,
} from '../admin/adminSessions.js';
import type { Actor } from '../audit/actor.js';
import type { SiteContext } from '../site/context.js';

export { ADMIN_CSRF_HEADER, ADMIN_SESSION_COOKIE };

/** How a request proved it is the site admin's: the browser's session, or the local CLI's token. */
export type AdminCredential = { via: 'session'; session: AdminSession } | { via: 'token' };

const credentials = new WeakMap<FastifyRequest, AdminCredential>();

/** Methods that change nothing: no CSRF token needed with a session cookie. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The one guard of every admin route (decision 0018): the `exam_admin` session cookie of a
 * signed-in browser, with the session's CSRF token in `x-exam-csrf` on anything but a GET;
 * or `Authorization: Bearer <token>` from `<dataDir>/admin-token`, which only the server's
 * user on the server's machine can read (the local `site-admin` CLI). A bearer request carries
 * no cookie a browser could attach on its own, so it needs no CSRF token.
 *
 * Use it as a route's `onRequest`: `app.post(path, { onRequest: guard }, handler)`.
 */
export function adminGuard(ctx: SiteContext, adminToken: string): onRequestAsyncHookHandler {
  const bearer = `Bearer ${adminToken}`;
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      if (sameSecret(authorization, bearer)) {
        credentials.set(req, { via: 'token' });
        return;
      }
      return refuse(reply, 401, ERROR_CODES.UNAUTHORIZED, 'The site admin token is wrong.');
    }
    const cookie = readCookie(req.headers.cookie, ADMIN_SESSION_COOKIE);
    const session = cookie === null ? null : findLiveAdminSession(ctx.db, cookie, ctx.clock.now());
    if (!session) {
      return refuse(reply, 401, ERROR_CODES.UNAUTHORIZED, 'Sign in as the site admin first.');
    }
    if (!SAFE_METHODS.has(req.method)) {
      const csrf = req.headers[ADMIN_CSRF_HEADER];
      if (typeof csrf !== 'string' || !sameSecret(csrf, session.csrf)) {
        return refuse(
          reply,
          403,
          ERROR_CODES.FORBIDDEN,
          `This request needs the session's ${ADMIN_CSRF_HEADER} header.`,
        );
      }
    }
    credentials.set(req, { via: 'session', session });
  };
}

// Returns the reply: an async hook that replied must return it, so the route does not run.
async function refuse(reply: FastifyReply, status: number, code: ErrorCode, message: string) {
  return reply.code(status).send(fail(code, message));
}

/** What the guard accepted for this request; null on a route without the guard. */
export function adminCredential(req: FastifyRequest): AdminCredential | null {
  return credentials.get(req) ?? null;
}

/** Who the audit chain names for a guarded request: the session (by its hash's prefix) or the CLI. */
export function adminActor(req: FastifyRequest): Actor {
  const c = credentials.get(req);
  if (c?.via === 'session') return { role: 'site-admin', id: `session:${c.session.id.slice(0, 12)}` };
  return { role: 'site-admin', id: c?.via === 'token' ? 'admin-token' : 'unknown' };
}
