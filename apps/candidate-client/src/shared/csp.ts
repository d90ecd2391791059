/**
 * The renderer's Content Security Policy: its own scripts and styles only, the photo as a
 * data: URL, and (web mode) the bridge's websocket on loopback. No eval, no inline script,
 * no frames, no forms posting anywhere.
 */
export function contentSecurityPolicy(connectSrc: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${connectSrc.map((s) => ` ${s}`).join('')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
