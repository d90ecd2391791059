import { protocol } from 'electron';
import { readStatic } from '../host/staticFiles.js';
import { contentSecurityPolicy } from '../shared/csp.js';

/**
 * The renderer loads from app://candidate/, not file://: a standard, secure origin of its
 * own, so the CSP's 'self' means the app's files and nothing else on the disk.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: false } },
  ]);
}

export function serveRenderer(rendererDir: string): void {
  protocol.handle('app', async (request) => {
    const file = await readStatic(rendererDir, new URL(request.url).pathname);
    if (!file) return new Response('not found', { status: 404 });
    return new Response(new Uint8Array(file.body), {
      headers: {
        'content-type': file.type,
        'content-security-policy': contentSecurityPolicy(),
        'x-content-type-options': 'nosniff',
      },
    });
  });
}
