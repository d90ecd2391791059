import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStatic, staticPath } from './staticFiles.js';

describe('static files of a renderer build', () => {
  it('serves the index and assets under the root only', () => {
    expect(staticPath('/srv/r', '/')).toBe('/srv/r/index.html');
    expect(staticPath('/srv/r/', '/')).toBe('/srv/r/index.html');
    expect(staticPath('/srv/r', '/assets/index-abc.js?v=1')).toBe('/srv/r/assets/index-abc.js');
    expect(staticPath('/srv/r', '/../../etc/passwd')).toBeNull();
    expect(staticPath('/srv/r', '/..%2Fsecret.css')).toBeNull();
    expect(staticPath('/srv/r', '/%2e%2e/%2e%2e/etc/hosts.css')).toBeNull();
    expect(staticPath('/srv/r', '/journal.db')).toBeNull();
    expect(staticPath('/srv/r', '/%E0%A4%A')).toBeNull();
  });

  it('sends each file with its type, the policy and no caching', async () => {
    const root = mkdtempSync(join(tmpdir(), 'shell-static-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html>');
    writeFileSync(join(root, 'assets', 'app.js'), 'export {}');
    writeFileSync(join(root, 'assets', 'app.css'), 'body{}');
    const index = await readStatic(root, '/', "default-src 'none'");
    expect(index?.body.toString()).toBe('<!doctype html>');
    expect(index?.headers).toEqual({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'",
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    expect((await readStatic(root, '/assets/app.js', ''))?.headers['content-type']).toBe(
      'text/javascript; charset=utf-8',
    );
    expect((await readStatic(root, '/assets/app.css', ''))?.headers['content-type']).toBe(
      'text/css; charset=utf-8',
    );
    expect(await readStatic(root, '/assets/missing.js', '')).toBeNull();
  });
});
