import Fastify from 'fastify';
import { openReceiverContext } from './openContext.js';
import type { ReceiverOptions, RunningReceiver } from './options.js';
import { registerStatusRoutes } from './status/routes.js';
import { UploadRefusal } from './uploads/replies.js';
import { MAX_CHUNK_BYTES, registerUploadRoutes } from './uploads/routes.js';

/**
 * Starts the centre's receiver: HTTPS with mutual TLS. TLS itself refuses a client without a
 * certificate chaining to the centre root (`requestCert`, `rejectUnauthorized`, the root as
 * the only CA); the routes then accept only a `site` certificate for uploads.
 */
export async function startReceiver(opts: ReceiverOptions): Promise<RunningReceiver> {
  const ctx = await openReceiverContext(opts);
  const { store, log } = ctx;
  const app = Fastify({
    https: {
      key: opts.tls.privateKeyPem,
      cert: opts.tls.certPem,
      ca: [opts.centre.certPem],
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    },
    bodyLimit: MAX_CHUNK_BYTES,
    logger: false,
  });
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof UploadRefusal) return reply.status(error.status).send(error.body);
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) log.error({ err: error, url: request.url }, 'receiver error');
    const code = status === 413 ? 'TOO_LARGE' : status < 500 ? 'INVALID_REQUEST' : 'INTERNAL';
    const message = status < 500 && error instanceof Error ? error.message : 'The receiver failed.';
    return reply.status(status).send({ ok: false, error: { code, message } });
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.status(404).send({ ok: false, error: { code: 'INVALID_REQUEST', message: 'No such route.' } }),
  );
  registerUploadRoutes(app, ctx);
  registerStatusRoutes(app, ctx);
  try {
    await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  } catch (e) {
    await store.close();
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const host = opts.host ?? '127.0.0.1';
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    store: store.kind,
    async close() {
      await app.close();
      await store.close();
    },
  };
}
