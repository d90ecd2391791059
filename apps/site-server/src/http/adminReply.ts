import { type Ack, ERROR_CODES, type ErrorCode } from '@exam/protocol';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { toFailure } from '../sockets/handler.js';

/** HTTP statuses of the typed refusals the sign-in and cleanup routes give; 400 otherwise. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  [ERROR_CODES.UNAUTHORIZED]: 401,
  [ERROR_CODES.FORBIDDEN]: 403,
  [ERROR_CODES.RATE_LIMITED]: 429,
  [ERROR_CODES.NOT_READY]: 409,
  [ERROR_CODES.INTERNAL]: 500,
};

/** `{ok:true,value}` from `fn`, or its refusal as the typed failure with a fitting status. */
export async function replyWith<T>(
  reply: FastifyReply,
  log: Logger,
  event: string,
  fn: () => T | Promise<T>,
): Promise<Ack<T> | FastifyReply> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    const failure = toFailure(e, log, event);
    const status = failure.ok ? 200 : (STATUS[failure.error.code] ?? 400);
    return reply.code(status).send(failure);
  }
}
