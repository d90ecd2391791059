/**
 * The one Content Security Policy of both apps' renderers: their own scripts and styles
 * only, images from the app or data: URLs (photos), no inline script, no eval, no plugins,
 * no frames, no forms posting anywhere. Inside Electron the renderer talks to main over
 * IPC, so nothing may be opened to a socket; in web mode the page may reach exactly the
 * host that served it (its loopback origin, as ws://).
 */
export function contentSecurityPolicy(opts: { webHostOrigin?: string; forMeta?: boolean } = {}): string {
  const connect = ["'self'"];
  if (opts.webHostOrigin) connect.push(loopbackSocketOrigin(opts.webHostOrigin));
  return [
    // 'none' rather than 'self': whatever kind of resource is not named below is refused.
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    // A <meta> policy cannot carry frame-ancestors (browsers ignore it there with a warning).
    ...(opts.forMeta ? [] : ["frame-ancestors 'none'"]),
  ].join('; ');
}

/** ws://127.0.0.1:PORT for the web host at http://127.0.0.1:PORT; anything else is refused. */
export function loopbackSocketOrigin(httpOrigin: string): string {
  const url = new URL(httpOrigin);
  if (url.protocol !== 'http:' || url.hostname !== '127.0.0.1' || !url.port || url.pathname !== '/')
    throw new Error(`Not a loopback web host origin: ${httpOrigin}`);
  return `ws://127.0.0.1:${url.port}`;
}

/**
 * A Vite plugin writing the policy into index.html as a meta tag, from the same builder as
 * the response headers, so the page keeps it however it is loaded. The meta policy is the
 * Electron one: in web mode 'self' already covers the page's own ws:// origin, and the
 * header adds the explicit loopback origin (both policies apply).
 */
export function cspMetaPlugin() {
  return {
    name: 'exam-shell-csp-meta',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy({ forMeta: true }) },
        injectTo: 'head-prepend' as const,
      },
    ],
  };
}
