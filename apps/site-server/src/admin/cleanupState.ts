import { ERROR_CODES, fail } from '@exam/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Whether the site's data is being or was removed (decision 0018). From the moment the
 * cleanup stops the live parts, every request gets NOT_READY ("已清理") instead of touching a
 * closed database; the process then exits and the next start is an empty site.
 */
export class CleanupState {
  private state: 'live' | 'cleaning' | 'cleaned' = 'live';

  get live(): boolean {
    return this.state === 'live';
  }

  markCleaning(): void {
    this.state = 'cleaning';
  }

  markCleaned(): void {
    this.state = 'cleaned';
  }

  /** A global onRequest hook: lets everything through while the site is live. */
  readonly refuseAfterCleanup = async (_req: FastifyRequest, reply: FastifyReply) => {
    if (this.state === 'live') return;
    const message =
      this.state === 'cleaning'
        ? '正在清理 (the site’s data is being removed).'
        : '已清理 (this site’s exam data was removed; restart the server and import new exam data).';
    return reply.code(409).send(fail(ERROR_CODES.NOT_READY, message));
  };
}
