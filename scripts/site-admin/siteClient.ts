import { request } from 'node:https';
import { type SiteTrust, siteTlsClientOptions } from '@exam/crypto';
import type { Ack } from '@exam/protocol';

export interface SiteReply<T = unknown> {
  status: number;
  body: Ack<T>;
}

/**
 * The site server's admin API over HTTPS, as the local CLI calls it: the bearer token from
 * the data directory, and the server checked against the centre root and the site's name
 * (never the system's CA store). Every reply is the API's `{ok, value | error}`.
 */
export class SiteClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly trust: SiteTrust,
  ) {}

  get<T>(path: string): Promise<SiteReply<T>> {
    return this.send<T>('GET', path);
  }

  postJson<T>(path: string, body: unknown): Promise<SiteReply<T>> {
    return this.send<T>('POST', path, Buffer.from(JSON.stringify(body)), 'application/json');
  }

  postBytes<T>(path: string, bytes: Buffer): Promise<SiteReply<T>> {
    return this.send<T>('POST', path, bytes, 'application/octet-stream');
  }

  private send<T>(method: string, path: string, body?: Buffer, contentType?: string): Promise<SiteReply<T>> {
    const url = new URL(path, this.baseUrl);
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body) {
      headers['content-type'] = contentType ?? 'application/octet-stream';
      headers['content-length'] = String(body.length);
    }
    return new Promise((resolve, reject) => {
      // agent: false: a connection of its own, so the site identity check runs on it.
      const req = request(
        url,
        { ...siteTlsClientOptions(this.trust), agent: false, method, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Ack<T> });
            } catch {
              reject(
                new Error(`The server answered ${res.statusCode} with something that is not the admin API.`),
              );
            }
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}
