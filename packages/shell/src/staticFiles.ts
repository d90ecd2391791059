import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

/** The file types a renderer build ships; anything else under the folder is not served. */
export const MIME_TYPES: Readonly<Record<string, string>> = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
});

/**
 * The file under `root` that a URL path names, or null when it would leave `root` or is
 * not a file type the renderer ships. `/` is the app's index.
 */
export function staticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]?.split('#')[0] ?? '/');
  } catch {
    return null;
  }
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const base = resolve(root);
  const full = normalize(join(base, rel));
  if (!full.startsWith(base + sep)) return null;
  if (!(extname(full) in MIME_TYPES)) return null;
  return full;
}

export interface StaticFile {
  body: Buffer;
  /** The response headers: its type, the CSP, no sniffing, no caching. */
  headers: Record<string, string>;
}

/**
 * One renderer file with the headers both servers send (the web host over HTTP, Electron's
 * app:// protocol), or null when there is no such file to serve.
 */
export async function readStatic(root: string, urlPath: string, csp: string): Promise<StaticFile | null> {
  const path = staticPath(root, urlPath);
  if (!path) return null;
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch {
    return null;
  }
  return {
    body,
    headers: {
      'content-type': MIME_TYPES[extname(path)]!,
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      // A rebuilt renderer must never be mixed with a cached older one.
      'cache-control': 'no-store',
    },
  };
}
