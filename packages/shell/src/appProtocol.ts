import { contentSecurityPolicy } from './csp.js';
import { readStatic } from './staticFiles.js';

/**
 * Electron's app:// protocol for a renderer build, Electron-free: main passes its
 * `protocol` module in. Each app loads from `app://<name>/`, a standard, secure origin of
 * its own, so the CSP's 'self' means the app's files and nothing else on the disk (which
 * file:// would).
 */
export const APP_SCHEME = 'app';

/** The part of Electron's `protocol` module used here. */
export interface ProtocolLike {
  registerSchemesAsPrivileged(
    schemes: Array<{
      scheme: string;
      privileges: { standard: boolean; secure: boolean; supportFetchAPI: boolean };
    }>,
  ): void;
  handle(scheme: string, handler: (request: { url: string }) => Promise<Response>): void;
}

/** `app://<name>`: the app's origin. */
export const appOrigin = (name: string): string => `${APP_SCHEME}://${name}`;

/** Before Electron is ready: makes app:// a standard, secure scheme. */
export function registerAppScheme(protocol: Pick<ProtocolLike, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: false } },
  ]);
}

/**
 * Answers app://<name>/… from the renderer build with the Electron CSP (no sockets: the
 * renderer talks over IPC); any other host under app:// is not this app.
 */
export function appRequestHandler(name: string, rendererDir: string) {
  return async (request: { url: string }): Promise<Response> => {
    const url = new URL(request.url);
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== name)
      return new Response('not found', { status: 404 });
    const file = await readStatic(rendererDir, url.pathname, contentSecurityPolicy());
    if (!file) return new Response('not found', { status: 404 });
    return new Response(new Uint8Array(file.body), { headers: file.headers });
  };
}

/** After Electron is ready: serves the app's renderer build on app://<name>/. */
export function serveApp(protocol: Pick<ProtocolLike, 'handle'>, name: string, rendererDir: string): void {
  protocol.handle(APP_SCHEME, appRequestHandler(name, rendererDir));
}

/** True for a URL of the app itself; the bridge takes calls only from such frames. */
export function isAppUrl(name: string, url: string | undefined): boolean {
  if (!url) return false;
  try {
    // Compared by scheme and host: Node gives a custom scheme the origin "null".
    const u = new URL(url);
    return `${u.protocol}//${u.host}` === appOrigin(name);
  } catch {
    return false;
  }
}
