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
import { Client, type Dispatcher } from 'undici';
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
 * connection carries the chunks, up to `pipelining` of them in flight at once (HTTP/1.1
 * pipelining: the receiver reads them in order off the one connection and answers in
 * order). The key stays in memory; never log it.
 */
export class ReceiverClient {
  private readonly client: Client;
  private readonly base: URL;

  constructor(receiverUrl: string, identity: SiteIdentity, pipelining = 1) {
    this.base = new URL(receiverUrl);
    if (this.base.protocol !== 'https:') throw new Error('The receiver URL must be https://.');
    this.client = new Client(this.base.origin, {
      pipelining: Math.max(1, pipelining),
      headersTimeout: REPLY_TIMEOUT_MS,
      bodyTimeout: REPLY_TIMEOUT_MS,
      connect: {
        ca: [identity.trustedRootPem],
        cert: identity.certPem,
        key: identity.privateKeyPem,
        rejectUnauthorized: true,
        servername: RECEIVER_HOST_NAME,
        checkServerIdentity: checkReceiverIdentity,
        timeout: REPLY_TIMEOUT_MS,
      },
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

  /**
   * One chunk at `offset`. Sent pipelined (behind chunks still unanswered): the receiver
   * stores a chunk only at the offset it holds, so a chunk sent twice or out of turn is
   * refused with where to continue, never stored twice.
   */
  chunk(uploadId: string, offset: number, bytes: Buffer, signal?: AbortSignal): Promise<UploadChunkReply> {
    return this.send('PATCH', `/api/uploads/${encodeURIComponent(uploadId)}`, uploadChunkReplySchema, {
      contentType: 'application/octet-stream',
      body: bytes,
      headers: { [UPLOAD_OFFSET_HEADER]: String(offset) },
      signal,
      pipelined: true,
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
    this.client.destroy().catch(() => {});
  }

  /**
   * One request, its reply parsed by the protocol's schema (a reply is inbound data like any
   * other). Any status is read as long as the body has the reply form: refusals carry their
   * typed code whatever the status. Only chunks are pipelined; the start and the completion
   * wait for the connection to be idle.
   */
  private async send<S extends z.ZodType>(
    method: 'POST' | 'PATCH',
    path: string,
    schema: S,
    o: {
      contentType: string;
      body: Buffer;
      headers?: Record<string, string>;
      signal?: AbortSignal;
      pipelined?: boolean;
    },
  ): Promise<z.infer<S>> {
    let res: Dispatcher.ResponseData;
    try {
      res = await this.client.request({
        method,
        path,
        headers: { 'content-type': o.contentType, 'content-length': String(o.body.length), ...o.headers },
        body: o.body,
        signal: o.signal ?? null,
        idempotent: o.pipelined === true,
        blocking: false,
      });
    } catch (e) {
      throw unreachable(e);
    }
    const parts: Buffer[] = [];
    let size = 0;
    try {
      for await (const d of res.body) {
        size += (d as Buffer).length;
        if (size > MAX_REPLY_BYTES) {
          res.body.destroy();
          throw new ReceiverUnreachable('BAD_REPLY', 'The receiver sent a reply far too large.');
        }
        parts.push(d as Buffer);
      }
    } catch (e) {
      throw unreachable(e);
    }
    let json: unknown;
    try {
      json = JSON.parse(Buffer.concat(parts).toString('utf8'));
    } catch {
      throw new ReceiverUnreachable(
        'BAD_REPLY',
        `The receiver's reply (HTTP ${res.statusCode}) is not JSON.`,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ReceiverUnreachable(
        'BAD_REPLY',
        `The receiver's reply (HTTP ${res.statusCode}) has no known form.`,
      );
    }
    return parsed.data;
  }
}

/** undici's timeouts, said as the uploader's states say them. */
const UNDICI_CODES: Record<string, string> = {
  UND_ERR_HEADERS_TIMEOUT: 'TIMEOUT',
  UND_ERR_BODY_TIMEOUT: 'TIMEOUT',
  UND_ERR_CONNECT_TIMEOUT: 'TIMEOUT',
};

function unreachable(e: unknown): ReceiverUnreachable {
  if (e instanceof ReceiverUnreachable) return e;
  // A TLS refusal (the server's identity) comes wrapped: its own code is the useful one.
  const inner = e instanceof Error && e.cause instanceof Error ? e.cause : null;
  const codeOf = (x: unknown) =>
    typeof x === 'object' && x !== null && 'code' in x && typeof x.code === 'string' ? x.code : null;
  const raw = codeOf(e) ?? codeOf(inner) ?? 'NETWORK';
  const code = UNDICI_CODES[raw] ?? raw;
  const message = e instanceof Error ? e.message : String(e);
  return new ReceiverUnreachable(code, `The receiver could not be reached: ${message}`);
}
