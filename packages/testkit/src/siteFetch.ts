import { request } from 'node:https';
import { type SiteTrust, siteTlsClientOptions } from '@exam/crypto';
import { testTrust } from './testSite.js';

export interface SiteFetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/**
 * `fetch` for the site server's HTTPS API, trusting the centre root only: Node 20's global
 * fetch takes no CA option (it would use the system store, which does not hold the centre
 * root), so this goes through node:https and hands back a standard Response.
 */
export function siteFetch(
  url: string,
  init: SiteFetchInit = {},
  trust: SiteTrust = testTrust(),
): Promise<Response> {
  return new Promise((resolve, reject) => {
    // agent: false, a connection of its own: a pooled one would skip the identity check,
    // which Node's agent does not count as part of a connection's identity.
    const options = { ...siteTlsClientOptions(trust), agent: false as const };
    const req = request(url, { ...options, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
            headers.append(name, v);
        }
        // A Response may not carry a body with these statuses.
        const body = [101, 204, 205, 304].includes(status) ? null : Buffer.concat(chunks);
        resolve(new Response(body, { status, statusText: res.statusMessage ?? '', headers }));
      });
    });
    req.on('error', reject);
    req.end(init.body === undefined ? undefined : Buffer.from(init.body));
  });
}
