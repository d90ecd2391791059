import { sha256Hex } from '@exam/crypto';
import { decideHandIn } from '@exam/domain';
import { ERROR_CODES, type HandedIn, ProtocolError } from '@exam/protocol';
import { listChanges } from '../answers/answersTable.js';
import { appendAudit } from '../audit/auditLog.js';
import { writeTransaction } from '../db/transactions.js';
import type { SiteContext } from '../site/context.js';
import { roomSitting } from '../sittings/sittingState.js';
import { candidateTiming } from '../sittings/views.js';
import { getCandidateSitting, markDown, markHandedIn } from './candidateSittingsTable.js';
import { getCandidate } from './candidatesTable.js';

function answersDigest(ctx: SiteContext, ticketNo: string, sittingId: string): string {
  return sha256Hex(
    // The stored columns' text (value as JSON, flag as 0/1), as digests have always been.
    listChanges(ctx.db, ticketNo, sittingId)
      .map((c) => `${c.seq}:${c.itemId}:${JSON.stringify(c.value)}:${c.flagged ? 1 : 0}`)
      .join('\n'),
  );
}

/** Marks the hand-in and audits it with a digest of the answers; inside the caller's transaction. */
export function recordHandIn(
  ctx: SiteContext,
  ticketNo: string,
  sittingId: string,
  kind: 'manual' | 'auto',
  at: number,
) {
  markHandedIn(ctx.db, ticketNo, sittingId, at, kind);
  appendAudit(ctx.db, ctx.clock.now(), {
    actorRole: kind === 'manual' ? 'candidate' : 'system',
    actorId: kind === 'manual' ? ticketNo : 'clock',
    action: kind === 'manual' ? 'candidate.handed-in' : 'candidate.auto-handed-in',
    subject: `${ticketNo}/${sittingId}`,
    data: { handedInAt: at, answersSha256: answersDigest(ctx, ticketNo, sittingId) },
  });
}

export function handIn(ctx: SiteContext, ticketNo: string, sittingId: string): HandedIn {
  const cs = getCandidateSitting(ctx.db, ticketNo, sittingId);
  const candidate = getCandidate(ctx.db, ticketNo);
  if (!cs || !candidate) throw new ProtocolError(ERROR_CODES.NOT_LOGGED_IN, 'Not logged in.');
  if (cs.status === 'handed-in') {
    return { sittingId, handedInAt: cs.handed_in_at!, kind: cs.hand_in_kind ?? 'manual' };
  }
  // A candidate taken in by another room (issue 19) hands in on that room's sitting.
  const roomId = cs.taken_in_room ?? candidate.room_id;
  const { s, rs } = roomSitting(ctx, roomId, sittingId);
  const now = ctx.clock.now();
  const decision = decideHandIn(candidateTiming(s, rs, cs), now);
  if (!decision.ok) {
    if (decision.reason === 'NOT_STARTED') {
      throw new ProtocolError(ERROR_CODES.SITTING_NOT_STARTED, 'The sitting has not started.');
    }
    throw new ProtocolError(ERROR_CODES.TOO_EARLY, 'Hand-in is not open yet.', {
      earliestAt: decision.earliestAt,
    });
  }
  writeTransaction(ctx.db, () => recordHandIn(ctx, ticketNo, sittingId, 'manual', now));
  ctx.events.emit('handed-in', { ticketNo, sittingId, handedInAt: now, kind: 'manual' });
  ctx.events.emit('candidate-changed', { roomId, ticketNo, sittingId });
  return { sittingId, handedInAt: now, kind: 'manual' };
}

/** How a candidate's last socket was lost: socket.io's reason, and its ping timeout then. */
export interface ConnectionLoss {
  reason: string;
  pingTimeoutMs: number;
}

/**
 * When the machine stopped answering, as best the server can tell at the drop. A close or
 * reset is seen as it happens. A machine that froze, lost power or its cable says nothing:
 * socket.io notices when a ping goes unanswered for `pingTimeoutMs` and reports a "ping
 * timeout", so the machine was silent by `now - pingTimeoutMs`; it froze at most one ping
 * interval before that ping, so this counts at most one ping interval (10 s at the site
 * server's settings) short — below the whole minutes an extension is granted in. It is
 * never earlier than the machine's last saved answer, which proves it was alive then.
 */
export function connectionLostAt(now: number, loss: ConnectionLoss, lastSyncAt: number | null): number {
  const silentSince = loss.reason === 'ping timeout' ? now - loss.pingTimeoutMs : now;
  return lastSyncAt === null ? silentSince : Math.max(silentSince, Math.min(lastSyncAt, now));
}

/**
 * A candidate's last socket dropped mid-sitting: their downtime runs from the moment the
 * server lost the machine (not from their last answer: they may have been thinking) until
 * they are back (login or resume), and becomes the suggested extension.
 */
export function noteDowntime(
  ctx: SiteContext,
  ticketNo: string,
  sittingId: string,
  loss: ConnectionLoss,
): void {
  const cs = getCandidateSitting(ctx.db, ticketNo, sittingId);
  if (cs?.status !== 'answering') return;
  markDown(ctx.db, ticketNo, sittingId, connectionLostAt(ctx.clock.now(), loss, cs.last_sync_at));
}
