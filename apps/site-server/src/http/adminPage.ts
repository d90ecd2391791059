import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOnce } from '@exam/cli';
import { contentSecurityPolicy } from '@exam/shell/csp';
import { readStatic } from '@exam/shell/staticFiles';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

/**
 * The site admin page (`apps/site-admin`, issue 18 point 5) served at `/admin/` by the site
 * server, with the renderers' one strict CSP: its own scripts and styles, its own origin's
 * JSON routes, nothing inline, no frames. The page is a separate app, so the server never
 * imports it: it builds it from its folder (Vite, in a child process) and serves the files.
 */
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const ADMIN_APP = join(REPO, 'apps', 'site-admin');
export const ADMIN_PAGE_DIR = join(ADMIN_APP, 'dist', 'page');

/** What the page's bundle is made of (buildOnce rebuilds when any of it changes). */
const SOURCES = [
  'apps/site-admin/src/page',
  'apps/site-admin/vite.config.ts',
  'apps/site-admin/package.json',
  'packages/domain/src',
  'packages/protocol/src',
  'packages/shell/src',
  'pnpm-lock.yaml',
];

/**
 * Builds the page when it is missing or its sources changed; otherwise returns at once
 * (hashing the sources takes milliseconds), so a second start does not wait for Vite.
 */
export function ensureAdminPage(): Promise<'built' | 'up to date'> {
  return buildOnce({
    root: REPO,
    inputs: SOURCES,
    outDir: ADMIN_PAGE_DIR,
    marker: 'index.html',
    build: (outDir) =>
      new Promise<void>((resolve, reject) => {
        const vite = join(ADMIN_APP, 'node_modules', 'vite', 'bin', 'vite.js');
        const args = [vite, 'build', '--config', 'vite.config.ts', '--configLoader', 'runner'];
        const child = spawn(
          process.execPath,
          [...args, '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
          {
            cwd: ADMIN_APP,
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        child.on('error', reject);
        child.on('close', (code) =>
          code === 0
            ? resolve()
            : reject(new Error(`the admin page build failed (${code}): ${stderr.slice(-2000)}`)),
        );
      }),
  });
}

/**
 * Builds the page in the background at start, so the server listens at once; until it is
 * there `/admin/` says so. A failed build is logged and leaves the JSON routes working.
 */
export function buildAdminPageInBackground(log: Logger): void {
  const started = Date.now();
  ensureAdminPage().then(
    (how) =>
      log.info({ how, ms: Date.now() - started, dir: ADMIN_PAGE_DIR }, 'site admin page ready at /admin/'),
    (e: unknown) => log.error({ err: e }, 'site admin page not built: /admin/ is unavailable'),
  );
}

const NOT_BUILT =
  '<!doctype html><meta charset="utf-8"><title>考点管理</title>' +
  '<p>考点管理页面尚未就绪，请稍后刷新。The site admin page is not ready yet; reload in a moment.</p>';

/** `GET /admin/…`: the page's files (index.html for the folder itself), traversal refused. */
export function registerAdminPage(app: FastifyInstance, dir: string = ADMIN_PAGE_DIR): void {
  const csp = contentSecurityPolicy();
  app.get('/admin', async (_req, reply) => reply.redirect('/admin/', 302));
  app.get('/admin/*', async (req, reply) => {
    const path = req.url.slice('/admin'.length);
    const file = await readStatic(dir, path, csp);
    if (file) return reply.headers(file.headers).send(file.body);
    if (path === '/' || path.startsWith('/?')) {
      return reply
        .code(503)
        .headers({
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': csp,
          'cache-control': 'no-store',
        })
        .send(NOT_BUILT);
    }
    return reply.callNotFound();
  });
}
