import { randomUUID } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { UPLOAD_OFFSET_HEADER, uploadStartRequestSchema } from '@exam/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ReceiverContext } from '../context.js';
import { acceptCompleteUpload } from './acceptUpload.js';
import { peerSubject, uploadingSite } from './clientSite.js';
import { refuse } from './replies.js';

/** The largest chunk one PATCH may carry; sites send `UPLOAD_RULES.chunkBytes` (4 MiB). */
export const MAX_CHUNK_BYTES = 16 * 1024 * 1024;
const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The site whose `site` certificate opened this connection; anything else is refused. */
function siteOf(ctx: ReceiverContext, request: FastifyRequest): string {
  const siteId = uploadingSite(peerSubject(request.raw.socket as TLSSocket, ctx.centre.certPem, ctx.now()));
  return siteId ?? refuse(403, 'NOT_A_SITE', 'Only a site certificate from the centre may upload.');
}

function uploadIdOf(request: FastifyRequest): string {
  const { uploadId } = request.params as { uploadId?: string };
  return uploadId !== undefined && UPLOAD_ID.test(uploadId)
    ? uploadId
    : refuse(404, 'UNKNOWN_UPLOAD', 'There is no such upload.');
}

/** The upload, if it is this site's: another site's upload id is answered as unknown. */
async function uploadOf(ctx: ReceiverContext, siteId: string, uploadId: string) {
  const upload = await ctx.store.getUpload(uploadId);
  if (!upload || upload.siteId !== siteId) return refuse(404, 'UNKNOWN_UPLOAD', 'There is no such upload.');
  return upload;
}

export function registerUploadRoutes(app: FastifyInstance, ctx: ReceiverContext): void {
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: MAX_CHUNK_BYTES },
    (_request, body, done) => done(null, body),
  );

  app.post('/api/uploads', async (request) => {
    const siteId = siteOf(ctx, request);
    const parsed = uploadStartRequestSchema.safeParse(request.body);
    if (!parsed.success)
      return refuse(400, 'INVALID_REQUEST', 'The upload request is not { sha256, size, fileName }.');
    const { sha256, size, fileName } = parsed.data;
    const received = await ctx.store.packageBySha(siteId, sha256);
    if (received) {
      ctx.log.info(
        { siteId, sha256, receiptId: received.receiptId },
        'upload already received: receipt sent again',
      );
      return { ok: true, receipt: received.signed };
    }
    const upload = await ctx.store.openUpload(
      { uploadId: randomUUID(), siteId, sha256, size, fileName },
      ctx.now(),
    );
    if (upload.size !== size) {
      return refuse(
        400,
        'INVALID_REQUEST',
        `These bytes were announced with ${upload.size} bytes before, not ${size}.`,
      );
    }
    return ctx.lock.run(upload.uploadId, async () => {
      const current = (await ctx.store.getUpload(upload.uploadId)) ?? upload;
      // A partial file lost from the disk cannot be continued: start again from what is there.
      const onDisk = await ctx.files.partialSize(upload.uploadId);
      let offset = current.offset;
      if (onDisk < offset) {
        ctx.log.warn(
          { uploadId: upload.uploadId, stored: offset, onDisk },
          'partial file shorter than recorded',
        );
        offset = onDisk;
        await ctx.store.setOffset(upload.uploadId, offset);
      }
      ctx.log.info(
        { siteId, uploadId: upload.uploadId, sha256, size, offset, resumed: offset > 0 },
        offset > 0 ? 'upload resumed' : 'upload opened',
      );
      return { ok: true, uploadId: upload.uploadId, offset };
    });
  });

  app.patch('/api/uploads/:uploadId', async (request, reply) => {
    const siteId = siteOf(ctx, request);
    const uploadId = uploadIdOf(request);
    const header = request.headers[UPLOAD_OFFSET_HEADER];
    const claimed = typeof header === 'string' && /^\d{1,15}$/.test(header) ? Number(header) : null;
    if (claimed === null)
      return refuse(400, 'INVALID_REQUEST', `The ${UPLOAD_OFFSET_HEADER} header is missing.`);
    if (!Buffer.isBuffer(request.body)) {
      return refuse(400, 'INVALID_REQUEST', 'A chunk is sent as application/octet-stream.');
    }
    const chunk = request.body;
    return ctx.lock.run(uploadId, async () => {
      const upload = await uploadOf(ctx, siteId, uploadId);
      if (claimed !== upload.offset) {
        return refuse(409, 'OFFSET_MISMATCH', `The upload continues at byte ${upload.offset}.`, {
          offset: upload.offset,
        });
      }
      if (upload.offset + chunk.length > upload.size) {
        return refuse(413, 'TOO_LARGE', `The chunk runs past the announced size (${upload.size} bytes).`);
      }
      const offset = await ctx.files.writeChunk(uploadId, upload.offset, chunk);
      await ctx.store.setOffset(uploadId, offset);
      ctx.log.debug({ siteId, uploadId, from: upload.offset, to: offset }, 'chunk stored');
      reply.header(UPLOAD_OFFSET_HEADER, String(offset));
      return { ok: true, offset };
    });
  });

  app.post('/api/uploads/:uploadId/complete', async (request) => {
    const siteId = siteOf(ctx, request);
    const uploadId = uploadIdOf(request);
    return ctx.lock.run(uploadId, async () => {
      const upload = await uploadOf(ctx, siteId, uploadId);
      if (upload.offset !== upload.size) {
        return refuse(409, 'INCOMPLETE', `Only ${upload.offset} of ${upload.size} bytes have arrived.`, {
          offset: upload.offset,
        });
      }
      // From here a refusal keeps nothing of the package: the site starts again from zero.
      const stored = await acceptCompleteUpload(ctx, {
        siteId,
        uploadId,
        sha256: upload.sha256,
        size: upload.size,
        via: 'network',
      });
      return { ok: true, receipt: stored.signed };
    });
  });
}
