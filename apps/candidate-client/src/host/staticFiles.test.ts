import { describe, expect, it } from 'vitest';
import { staticPath } from './staticFiles.js';

describe('static files of the web host', () => {
  it('serves the index and assets under the root only', () => {
    expect(staticPath('/srv/r', '/')).toBe('/srv/r/index.html');
    expect(staticPath('/srv/r/', '/')).toBe('/srv/r/index.html');
    expect(staticPath('/srv/r', '/assets/index-abc.js?v=1')).toBe('/srv/r/assets/index-abc.js');
    expect(staticPath('/srv/r', '/../../etc/passwd')).toBeNull();
    expect(staticPath('/srv/r', '/%2e%2e/%2e%2e/etc/hosts.css')).toBeNull();
    expect(staticPath('/srv/r', '/journal.db')).toBeNull();
    expect(staticPath('/srv/r', '/%E0%A4%A')).toBeNull();
  });
});
