/**
 * The renderer's content security policy, the same in Electron (response header) and web
 * mode: only its own scripts and styles, images inline (photos), and the bridge socket on
 * loopback in web mode.
 */
export function rendererCsp(): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self' ws://127.0.0.1:*",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
