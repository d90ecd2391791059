import { ERROR_CODES, fail } from '@exam/protocol';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { toFailure } from '../sockets/handler.js';

/** Fastify's own refusals (unparsable body, too large, unknown content type), in plain words. */
const CLIENT_ERROR_MESSAGES: Readonly<Record<number, string>> = Object.freeze({
  400: 'The request body could not be read.',
  413: 'The request body is too large.',
  415: 'This content type is not accepted here.',
});

function clientStatus(error: unknown): number | null {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return null;
  const status = error.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}

/**
 * Every HTTP refusal has the API's typed shape `{ ok: false, error: { code, message } }`,
 * including the ones Fastify raises before a route runs, so an admin tool can switch on
 * the code instead of parsing two formats. Registered before the routes so they inherit it.
 */
export function registerErrorReplies(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler(async (error, _req, reply) => {
    const status = clientStatus(error);
    if (status === null) return reply.code(500).send(toFailure(error, log, 'http'));
    const reason = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : null;
    const message = CLIENT_ERROR_MESSAGES[status] ?? 'The request was refused.';
    return reply
      .code(status)
      .send(fail(ERROR_CODES.INVALID_MESSAGE, message, reason ? { reason } : undefined));
  });
  // The path is not echoed back: it is whatever the caller sent.
  app.setNotFoundHandler(async (_req, reply) =>
    reply.code(404).send(fail(ERROR_CODES.INVALID_MESSAGE, 'There is no such route on this server.')),
  );
}
