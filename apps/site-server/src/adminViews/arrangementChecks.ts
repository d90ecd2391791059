import { judgeArrangementCode, type RoomArrangement } from '@exam/centre';
import {
  type ArrangementCheckResult,
  type ArrangementMismatchReason,
  type ArrangementOverview,
  ERROR_CODES,
  ProtocolError,
} from '@exam/protocol';
import type { Actor } from '../audit/actor.js';
import { appendAudit } from '../audit/auditLog.js';
import { listAuditBySubjects } from '../audit/auditTable.js';
import { listRoomSeats } from '../candidates/candidatesTable.js';
import { writeTransaction } from '../db/transactions.js';
import { getRoom, listRooms } from '../rooms/roomsTable.js';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';

/**
 * The arrangement timestamp check (考场数据扫码校验): the admin scans each room's data sheet
 * (or a ticket) and the site says whether the room data it holds is the arrangement they were
 * printed from. Every check is an audit event, which is also where the room table's
 * "checked / not yet" comes from: no table of its own, and a restart keeps it.
 */
const ACTION = 'arrangement.checked';
const subjectOf = (roomId: string) => `arrangement:${roomId}`;

function heldExam(ctx: SiteContext) {
  const examId = getMeta(ctx.db, 'examId');
  const siteId = getMeta(ctx.db, 'siteId');
  const arrangementTimestamp = getMeta(ctx.db, 'arrangementTimestamp');
  if (!examId || !siteId || !arrangementTimestamp)
    throw new ProtocolError(ERROR_CODES.NOT_READY, 'Import the exam data before checking the arrangement.');
  return { examId, siteId, arrangementTimestamp };
}

function roomArrangement(
  ctx: SiteContext,
  exam: ReturnType<typeof heldExam>,
  roomId: string,
): RoomArrangement | null {
  if (!getRoom(ctx.db, roomId)) return null;
  return {
    ...exam,
    roomId,
    seats: listRoomSeats(ctx.db, roomId).map((s) => ({ ticketNo: s.ticket_no, seatNo: s.seat_no })),
  };
}

/** Judges one scanned code against the imported exam data and records the check. */
export function checkArrangement(ctx: SiteContext, actor: Actor, code: string): ArrangementCheckResult {
  const exam = heldExam(ctx);
  const verdict = judgeArrangementCode(code, {
    ...exam,
    room: (roomId) => roomArrangement(ctx, exam, roomId),
  });
  const checkedAt = ctx.clock.now();
  // A room the site knows gets the check on its record; an unreadable code or another site's
  // room is recorded too (someone scanned it), under the site's own subject.
  const known = verdict.roomId !== null && getRoom(ctx.db, verdict.roomId) !== undefined;
  writeTransaction(ctx.db, () => {
    appendAudit(ctx.db, checkedAt, {
      actorRole: actor.role,
      actorId: actor.id,
      action: ACTION,
      subject: known ? subjectOf(verdict.roomId!) : 'arrangement:-',
      data: { match: verdict.match, reason: verdict.reason, code: code.trim().slice(0, 200) },
    });
  });
  ctx.log.info(
    { roomId: verdict.roomId, match: verdict.match, reason: verdict.reason },
    'arrangement checked',
  );
  const s = verdict.scanned;
  return {
    roomId: verdict.roomId,
    match: verdict.match,
    reason: verdict.reason,
    scanned: s && {
      examId: s.examId,
      siteId: s.siteId,
      roomId: s.roomId,
      arrangementTimestamp: s.arrangementTimestamp,
    },
    expected: exam,
    checkedAt,
  };
}

/** Every room with its latest check (a later scan overrides an earlier one). */
export function arrangementOverview(ctx: SiteContext): ArrangementOverview {
  const rooms = listRooms(ctx.db);
  const last = new Map<
    string,
    { match: boolean; reason: ArrangementMismatchReason | null; checkedAt: number }
  >();
  for (const e of listAuditBySubjects(
    ctx.db,
    rooms.map((r) => subjectOf(r.room_id)),
  )) {
    if (e.action !== ACTION) continue;
    const data = JSON.parse(e.data) as { match: boolean; reason: ArrangementMismatchReason | null };
    last.set(e.subject.slice(subjectOf('').length), {
      match: data.match,
      reason: data.reason,
      checkedAt: e.at,
    });
  }
  return {
    arrangementTimestamp: getMeta(ctx.db, 'arrangementTimestamp'),
    rooms: rooms.map((r) => ({
      roomId: r.room_id,
      name: r.name,
      candidates: listRoomSeats(ctx.db, r.room_id).length,
      lastCheck: last.get(r.room_id) ?? null,
    })),
  };
}
