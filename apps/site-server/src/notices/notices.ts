import { ERROR_CODES, type Notice, ProtocolError } from '@exam/protocol';
import { type Actor, actorName } from '../audit/actor.js';
import { appendAudit } from '../audit/auditLog.js';
import { sittingRoomOf } from '../candidates/candidateSittingsTable.js';
import { getCandidate } from '../candidates/candidatesTable.js';
import { writeTransaction } from '../db/transactions.js';
import { roomCandidate, runningSitting } from '../rooms/roomOperations.js';
import type { SiteContext } from '../site/context.js';
import { insertNoticeAck } from './noticeAcksTable.js';
import { getNotice, insertNotice, listUnacknowledgedNotices } from './noticesTable.js';

/** A proctor's short notice to one candidate or the whole room (issue 4 §8). */
export function sendNotice(
  ctx: SiteContext,
  actor: Actor,
  roomId: string,
  req: { sittingId: string; ticketNo?: string; text: string },
): number {
  runningSitting(ctx, roomId, req.sittingId);
  if (req.ticketNo) roomCandidate(ctx, roomId, req.sittingId, req.ticketNo);
  const now = ctx.clock.now();
  let id = 0;
  writeTransaction(ctx.db, () => {
    id = insertNotice(ctx.db, {
      at: now,
      room_id: roomId,
      sitting_id: req.sittingId,
      ticket_no: req.ticketNo ?? null,
      text: req.text,
      actor: actorName(actor),
    });
    appendAudit(ctx.db, now, {
      actorRole: actor.role,
      actorId: actor.id,
      action: 'notice.sent',
      subject: `${roomId}/${req.sittingId}`,
      data: { noticeId: id, to: req.ticketNo ?? 'room', text: req.text },
    });
  });
  ctx.events.emit('notice', {
    roomId,
    sittingId: req.sittingId,
    ticketNo: req.ticketNo ?? null,
    noticeId: id,
    text: req.text,
    at: now,
  });
  return id;
}

/** The candidate pressed "知道了"; the first acknowledgement is the one recorded. */
export function acknowledgeNotice(
  ctx: SiteContext,
  ticketNo: string,
  sittingId: string,
  noticeId: number,
): number {
  const notice = getNotice(ctx.db, noticeId);
  const candidate = getCandidate(ctx.db, ticketNo);
  if (
    !notice ||
    !candidate ||
    notice.sitting_id !== sittingId ||
    notice.room_id !== (sittingRoomOf(ctx.db, ticketNo, sittingId) ?? candidate.room_id) ||
    (notice.ticket_no !== null && notice.ticket_no !== ticketNo)
  ) {
    throw new ProtocolError(ERROR_CODES.FORBIDDEN, 'This notice was not sent to you.');
  }
  const now = ctx.clock.now();
  let first = false;
  writeTransaction(ctx.db, () => {
    first = insertNoticeAck(ctx.db, noticeId, ticketNo, now);
    if (first) {
      appendAudit(ctx.db, now, {
        actorRole: 'candidate',
        actorId: ticketNo,
        action: 'notice.acknowledged',
        subject: `${ticketNo}/${sittingId}`,
        data: { noticeId, text: notice.text },
      });
    }
  });
  if (first) {
    ctx.events.emit('notice-acknowledged', {
      roomId: notice.room_id,
      noticeId,
      sittingId,
      ticketNo,
      acknowledgedAt: now,
    });
  }
  return now;
}

/** Sent again at every login and resume, so a candidate offline when it went out still sees it. */
export function unacknowledgedNotices(
  ctx: SiteContext,
  roomId: string,
  sittingId: string,
  ticketNo: string,
): Notice[] {
  return listUnacknowledgedNotices(ctx.db, roomId, sittingId, ticketNo).map((n) => ({
    noticeId: n.id,
    text: n.text,
    at: n.at,
  }));
}
