import { request } from 'node:https';
import { checkServerIdentity } from 'node:tls';
import { RECEIVER_HOST_NAME } from '@exam/centre';
import { UPLOAD_OFFSET_HEADER } from '@exam/protocol';

/**
 * A mutual-TLS client of the receiver for tests, as a site would connect: the centre root as
 * the only CA, the receiver's name checked, a client certificate (or none).
 */
export interface ClientIdentity {
  centreRootPem: string;
  /** The client certificate and key; omitted to connect with none. */
  client?: { certPem: string; privateKeyPem: string };
}

export interface Reply {
  status: number;
  body: unknown;
}

function tlsOptions(id: ClientIdentity) {
  return {
    ca: [id.centreRootPem],
    rejectUnauthorized: true,
    servername: RECEIVER_HOST_NAME,
    checkServerIdentity: (_host: string, cert: Parameters<typeof checkServerIdentity>[1]) =>
      checkServerIdentity(RECEIVER_HOST_NAME, cert),
    ...(id.client ? { cert: id.client.certPem, key: id.client.privateKeyPem } : {}),
    agent: false as const,
  };
}

/** One request; rejects when the connection fails (no certificate, an untrusted one). */
export function call(
  baseUrl: string,
  id: ClientIdentity,
  method: string,
  path: string,
  body?: { json: unknown } | { bytes: Buffer; offset: number },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    let payload: Buffer | undefined;
    if (body && 'json' in body) {
      payload = Buffer.from(JSON.stringify(body.json));
      headers['content-type'] = 'application/json';
    } else if (body) {
      payload = body.bytes;
      headers['content-type'] = 'application/octet-stream';
      headers[UPLOAD_OFFSET_HEADER] = String(body.offset);
    }
    if (payload) headers['content-length'] = String(payload.length);
    const req = request(new URL(path, baseUrl), { method, headers, ...tlsOptions(id) }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        const type = String(res.headers['content-type'] ?? '');
        resolve({ status: res.statusCode ?? 0, body: type.includes('json') ? JSON.parse(text) : text });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Starts a chunk of `bytes.length` bytes, sends only `sendFirst` of them and cuts the
 * connection: a link dropped mid-chunk. Resolves once the socket is gone.
 */
export function cutMidChunk(
  baseUrl: string,
  id: ClientIdentity,
  uploadId: string,
  offset: number,
  bytes: Buffer,
  sendFirst: number,
): Promise<void> {
  return new Promise((resolve) => {
    const req = request(
      new URL(`/api/uploads/${uploadId}`, baseUrl),
      {
        method: 'PATCH',
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(bytes.length),
          [UPLOAD_OFFSET_HEADER]: String(offset),
        },
        ...tlsOptions(id),
      },
      () => {},
    );
    req.on('error', () => {});
    req.on('close', () => resolve());
    req.write(bytes.subarray(0, sendFirst), () => req.destroy());
  });
}
