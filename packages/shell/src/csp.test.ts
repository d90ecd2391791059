import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from './csp.js';

const directives = (csp: string) =>
  new Map(csp.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1).join(' ')]));

describe('the renderer content security policy', () => {
  it('inside Electron allows only the app itself: no sockets, plugins, frames or inline script', () => {
    const csp = directives(contentSecurityPolicy());
    expect(csp.get('default-src')).toBe("'none'");
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('connect-src')).toBe("'self'");
    expect(csp.get('object-src')).toBe("'none'");
    expect(csp.get('base-uri')).toBe("'none'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(contentSecurityPolicy()).not.toContain('unsafe');
    expect(contentSecurityPolicy()).not.toContain('ws:');
  });

  it('in web mode lets the page reach only the loopback host that served it', () => {
    const csp = directives(contentSecurityPolicy({ webHostOrigin: 'http://127.0.0.1:40123' }));
    expect(csp.get('connect-src')).toBe("'self' ws://127.0.0.1:40123");
    expect(() => contentSecurityPolicy({ webHostOrigin: 'http://10.0.0.5:40123' })).toThrow();
    expect(() => contentSecurityPolicy({ webHostOrigin: 'http://127.0.0.1' })).toThrow();
  });

  it('leaves out frame-ancestors in a meta tag, where browsers ignore it', () => {
    const csp = directives(contentSecurityPolicy({ forMeta: true }));
    expect(csp.has('frame-ancestors')).toBe(false);
    expect(csp.get('object-src')).toBe("'none'");
  });
});
