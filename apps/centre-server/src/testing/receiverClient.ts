import { request } from 'node:https';
import { checkServerIdentity, connect } from 'node:tls';
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

/**
 * Sends `chunks` of one upload as pipelined HTTP/1.1 requests: all written at once on one
 * connection, before any reply, as the site's Uploader keeps several in flight. Resolves
 * with the replies in order (each the receiver's JSON).
 */
export function pipelinedChunks(
  baseUrl: string,
  id: ClientIdentity,
  uploadId: string,
  chunks: { offset: number; bytes: Buffer }[],
): Promise<Reply[]> {
  const url = new URL(baseUrl);
  const { agent: _none, ...tls } = tlsOptions(id);
  return new Promise((resolve, reject) => {
    const socket = connect({ ...tls, host: url.hostname, port: Number(url.port) }, () => {
      for (const c of chunks) {
        socket.write(
          `PATCH /api/uploads/${uploadId} HTTP/1.1\r\nhost: ${url.host}\r\n` +
            `content-type: application/octet-stream\r\ncontent-length: ${c.bytes.length}\r\n` +
            `${UPLOAD_OFFSET_HEADER}: ${c.offset}\r\n\r\n`,
        );
        socket.write(c.bytes);
      }
    });
    let buffered = Buffer.alloc(0);
    const replies: Reply[] = [];
    socket.on('data', (d: Buffer) => {
      buffered = Buffer.concat([buffered, d]);
      // Each reply: a status line and headers, then content-length bytes of JSON.
      for (;;) {
        const headEnd = buffered.indexOf('\r\n\r\n');
        if (headEnd < 0) break;
        const head = buffered.subarray(0, headEnd).toString('latin1');
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? Number.NaN);
        if (!Number.isFinite(length)) return reject(new Error(`A reply without content-length: ${head}`));
        if (buffered.length < headEnd + 4 + length) break;
        const body = buffered.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8');
        replies.push({ status: Number(head.split(' ')[1]), body: JSON.parse(body) });
        buffered = buffered.subarray(headEnd + 4 + length);
      }
      if (replies.length === chunks.length) {
        socket.end();
        resolve(replies);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`The connection closed after ${replies.length} replies.`)));
  });
}
