import { Agent, request } from 'node:https';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { RECEIVER_HOST_NAME } from '@exam/centre';
import {
  UPLOAD_OFFSET_HEADER,
  type UploadChunkReply,
  type UploadCompleteReply,
  type UploadStartReply,
  uploadChunkReplySchema,
  uploadCompleteReplySchema,
  uploadStartReplySchema,
} from '@exam/protocol';
import type { z } from 'zod';
import type { SiteIdentity } from '../site/context.js';

/** No answer within this long (real time): the link is treated as dropped. */
const REPLY_TIMEOUT_MS = 60_000;
/** A reply larger than this is not the receiver's JSON. */
const MAX_REPLY_BYTES = 1024 * 1024;

/** Why a request did not get a reply the uploader can use; `code` for the state, `message` for a person. */
export class ReceiverUnreachable extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ReceiverUnreachable';
  }
}

/**
 * The receiver must be the centre's: its certificate chains to the centre root (the only CA
 * trusted here, never the system store), has the receiver's role and names
 * `receiver.centre.exam`. The URL's host is usually an address, so the name is checked instead.
 */
function checkReceiverIdentity(_host: string, cert: PeerCertificate): Error | undefined {
  const ou = cert.subject?.OU;
  if ((Array.isArray(ou) ? ou[0] : ou) !== 'receiver') {
    return Object.assign(
      new Error('The server is not the centre receiver: its certificate has another role.'),
      {
        code: 'SERVER_IDENTITY',
      },
    );
  }
  return checkServerIdentity(RECEIVER_HOST_NAME, cert);
}

/**
 * The receiver over mutual TLS: the site presents its site certificate (`site.p12`, role
 * 'site', which carries the siteId the receiver files the package under). One kept-alive
 * connection carries the chunks. The key stays in memory; never log it.
 */
export class ReceiverClient {
  private readonly agent: Agent;
  private readonly base: URL;

  constructor(receiverUrl: string, identity: SiteIdentity) {
    this.base = new URL(receiverUrl);
    if (this.base.protocol !== 'https:') throw new Error('The receiver URL must be https://.');
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: 1,
      ca: [identity.trustedRootPem],
      cert: identity.certPem,
      key: identity.privateKeyPem,
      rejectUnauthorized: true,
      servername: RECEIVER_HOST_NAME,
      checkServerIdentity: checkReceiverIdentity,
    });
  }

  get url(): string {
    return this.base.origin;
  }

  start(
    body: { sha256: string; size: number; fileName: string },
    signal?: AbortSignal,
  ): Promise<UploadStartReply> {
    return this.send('POST', '/api/uploads', uploadStartReplySchema, {
      contentType: 'application/json',
      body: Buffer.from(JSON.stringify(body)),
      signal,
    });
  }

  chunk(uploadId: string, offset: number, bytes: Buffer, signal?: AbortSignal): Promise<UploadChunkReply> {
    return this.send('PATCH', `/api/uploads/${encodeURIComponent(uploadId)}`, uploadChunkReplySchema, {
      contentType: 'application/octet-stream',
      body: bytes,
      headers: { [UPLOAD_OFFSET_HEADER]: String(offset) },
      signal,
    });
  }

  complete(uploadId: string, signal?: AbortSignal): Promise<UploadCompleteReply> {
    return this.send(
      'POST',
      `/api/uploads/${encodeURIComponent(uploadId)}/complete`,
      uploadCompleteReplySchema,
      { contentType: 'application/json', body: Buffer.from('{}'), signal },
    );
  }

  close(): void {
    this.agent.destroy();
  }

  /**
   * One request, its reply parsed by the protocol's schema (a reply is inbound data like any
   * other). Any status is read as long as the body has the reply form: refusals carry their
   * typed code whatever the status.
   */
  private send<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    o: { contentType: string; body: Buffer; headers?: Record<string, string>; signal?: AbortSignal },
  ): Promise<z.infer<S>> {
    return new Promise((resolve, reject) => {
      const req = request(
        new URL(path, this.base),
        {
          method,
          agent: this.agent,
          headers: { 'content-type': o.contentType, 'content-length': o.body.length, ...o.headers },
          timeout: REPLY_TIMEOUT_MS,
          ...(o.signal ? { signal: o.signal } : {}),
        },
        (res) => {
          const parts: Buffer[] = [];
          let size = 0;
          res.on('data', (d: Buffer) => {
            size += d.length;
            if (size > MAX_REPLY_BYTES) {
              res.destroy();
              reject(new ReceiverUnreachable('BAD_REPLY', 'The receiver sent a reply far too large.'));
              return;
            }
            parts.push(d);
          });
          res.on('error', (e) => reject(unreachable(e)));
          res.on('end', () => {
            let json: unknown;
            try {
              json = JSON.parse(Buffer.concat(parts).toString('utf8'));
            } catch {
              reject(
                new ReceiverUnreachable(
                  'BAD_REPLY',
                  `The receiver's reply (HTTP ${res.statusCode}) is not JSON.`,
                ),
              );
              return;
            }
            const parsed = schema.safeParse(json);
            if (!parsed.success) {
              reject(
                new ReceiverUnreachable(
                  'BAD_REPLY',
                  `The receiver's reply (HTTP ${res.statusCode}) has no known form.`,
                ),
              );
              return;
            }
            resolve(parsed.data);
          });
        },
      );
      req.on('timeout', () =>
        req.destroy(new ReceiverUnreachable('TIMEOUT', 'The receiver did not answer in time.')),
      );
      req.on('error', (e) => reject(unreachable(e)));
      req.end(o.body);
    });
  }
}

function unreachable(e: unknown): ReceiverUnreachable {
  if (e instanceof ReceiverUnreachable) return e;
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : 'NETWORK';
  const message = e instanceof Error ? e.message : String(e);
  return new ReceiverUnreachable(code, `The receiver could not be reached: ${message}`);
}
