import {
  ERROR_CODES,
  ProtocolError,
  type ResolveTransferRequest,
  type RoomTransfers,
  type TransferOutRequest,
  type TransferView,
} from '@exam/protocol';
import type { Actor } from '../audit/actor.js';
import { appendAudit } from '../audit/auditLog.js';
import type { CandidateSittingRow } from '../candidates/candidateSittingsTable.js';
import { getCandidate } from '../candidates/candidatesTable.js';
import { currentSittingOf } from '../candidates/currentSitting.js';
import type { Db } from '../db/open.js';
import { writeTransaction } from '../db/transactions.js';
import { getRoom } from '../rooms/roomsTable.js';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';
import { getRoomSitting } from '../sittings/roomSittingsTable.js';
import { refuseWhileStandalone } from '../standalone/standaloneGuard.js';
import {
  approvedSeats,
  countPresent,
  countTakenInWaiting,
  reserveSeat,
  setTakenInRoom,
} from './seatsTable.js';
import {
  getTransfer,
  insertTransferOut,
  listRoomTransfers,
  markResolved,
  markTakenIn,
  openTransferOf,
  type TransferRow,
} from './transfersTable.js';

/**
 * Transfers between the rooms of an overbooked site (annex 4, issue 19): a room with no free
 * machine transfers out (调出) a candidate who has not logged in; another room takes them in
 * (调入) and they log in there; a transfer no room took is resolved by the sending room
 * before its end. Each step is an audit event on the candidate's sitting.
 */

/** The proctor's name as the report prints it: the key holder, without the fingerprint. */
export const actorHolder = (actor: Actor) => actor.id.split('@')[0] ?? actor.id;

export function refuseUnlessOverbooked(db: Db): void {
  if (getMeta(db, 'overbooked') !== '1') {
    throw new ProtocolError(
      ERROR_CODES.NOT_ALLOWED_NOW,
      'This site is not overbooked: every candidate has an arranged seat, and no one is transferred.',
    );
  }
}

/** The candidate's sitting at hand, provided they sit it in this room; otherwise not found here. */
export function candidateHere(
  ctx: SiteContext,
  roomId: string,
  ticketNo: string,
): { cs: CandidateSittingRow; name: string } {
  const candidate = getCandidate(ctx.db, ticketNo);
  const current = candidate && currentSittingOf(ctx.db, candidate);
  if (!candidate || !current || current.roomId !== roomId) {
    throw new ProtocolError(
      ERROR_CODES.UNKNOWN_TICKET,
      `Candidate ${ticketNo} has no sitting in progress in this room.`,
    );
  }
  return { cs: current.cs, name: candidate.name };
}

export function transferView(db: Db, t: TransferRow): TransferView {
  const roomName = (id: string | null) => (id === null ? null : (getRoom(db, id)?.name ?? id));
  return {
    transferId: t.transfer_id,
    sittingId: t.sitting_id,
    ticketNo: t.ticket_no,
    name: getCandidate(db, t.ticket_no)?.name ?? '',
    ticketTail: t.ticket_no.slice(-3),
    fromRoomId: t.from_room_id,
    fromRoomName: roomName(t.from_room_id) ?? t.from_room_id,
    toRoomId: t.to_room_id,
    toRoomName: roomName(t.to_room_id),
    state: t.state,
    reason: t.reason,
    outAt: t.out_at,
    outBy: t.out_by_name,
    inAt: t.in_at,
    inBy: t.in_by_name,
    resolvedAt: t.resolved_at,
    resolvedBy: t.resolved_by_name,
    outcome: t.outcome,
    note: t.note,
  };
}

/** What a room's console lists: the site's open transfers and every one out of or into it. */
export function roomTransfers(ctx: SiteContext, roomId: string): RoomTransfers {
  return { roomId, transfers: listRoomTransfers(ctx.db, roomId).map((t) => transferView(ctx.db, t)) };
}

export function transferOut(
  ctx: SiteContext,
  actor: Actor,
  roomId: string,
  req: TransferOutRequest,
): TransferView {
  refuseUnlessOverbooked(ctx.db);
  const { cs } = candidateHere(ctx, roomId, req.ticketNo);
  if (openTransferOf(ctx.db, cs.ticket_no, cs.sitting_id)) {
    throw new ProtocolError(
      ERROR_CODES.NOT_ALLOWED_NOW,
      `Candidate ${cs.ticket_no} has already been transferred out and waits for a room to take them in.`,
    );
  }
  // Their sitting lives on one offline machine (issue 17): it goes nowhere else.
  refuseWhileStandalone(ctx.db, cs.ticket_no, 'a transfer');
  if (cs.logged_in_at !== null) {
    throw new ProtocolError(
      ERROR_CODES.NOT_ALLOWED_NOW,
      cs.reset_pending === 1
        ? `Candidate ${cs.ticket_no} has logged in and was reset: they continue on a spare machine of this room, ` +
            'with their answers; a candidate who has logged in is not transferred.'
        : `Candidate ${cs.ticket_no} has logged in here; only a candidate who has not logged in is transferred out.`,
    );
  }
  const now = ctx.clock.now();
  let id = 0;
  writeTransaction(ctx.db, () => {
    id = insertTransferOut(ctx.db, {
      sitting_id: cs.sitting_id,
      ticket_no: cs.ticket_no,
      from_room_id: roomId,
      reason: req.reason,
      out_at: now,
      out_by_id: actor.id,
      out_by_name: actorHolder(actor),
    });
    // A seat drawn for them here lapses: it is free for the next arrival.
    if (cs.reserved_seat !== null) reserveSeat(ctx.db, cs.ticket_no, cs.sitting_id, null);
    appendAudit(ctx.db, now, {
      actorRole: actor.role,
      actorId: actor.id,
      action: 'transfer.out',
      subject: `${cs.ticket_no}/${cs.sitting_id}`,
      data: { transferId: id, fromRoomId: roomId, reason: req.reason },
    });
  });
  ctx.log.info({ roomId, ticketNo: cs.ticket_no, transferId: id }, 'candidate transferred out');
  ctx.events.emit('room-changed', { roomId });
  return transferView(ctx.db, getTransfer(ctx.db, id)!);
}

function openTransfer(ctx: SiteContext, transferId: number): TransferRow {
  const t = getTransfer(ctx.db, transferId);
  if (!t) throw new ProtocolError(ERROR_CODES.UNKNOWN_TRANSFER, `No transfer ${transferId} at this site.`);
  if (t.state !== 'out') {
    const where =
      t.state === 'in' ? `taken in by ${getRoom(ctx.db, t.to_room_id!)?.name ?? t.to_room_id}` : 'resolved';
    throw new ProtocolError(
      ERROR_CODES.NOT_ALLOWED_NOW,
      `Transfer ${transferId} is no longer open: it was ${where}.`,
      {
        state: t.state,
      },
    );
  }
  return t;
}

export function transferIn(ctx: SiteContext, actor: Actor, roomId: string, transferId: number): TransferView {
  refuseUnlessOverbooked(ctx.db);
  const t = openTransfer(ctx, transferId);
  if (t.from_room_id === roomId) {
    throw new ProtocolError(
      ERROR_CODES.NOT_ALLOWED_NOW,
      'This room transferred the candidate out: another room takes them in, or this room resolves the transfer.',
    );
  }
  const rs = getRoomSitting(ctx.db, roomId, t.sitting_id);
  if (!rs) {
    throw new ProtocolError(ERROR_CODES.UNKNOWN_SITTING, `This room does not run sitting ${t.sitting_id}.`);
  }
  if (rs.ended_at !== null) {
    throw new ProtocolError(ERROR_CODES.SITTING_ENDED, 'This sitting has ended in this room.');
  }
  refuseWhileStandalone(ctx.db, t.ticket_no, 'a transfer');
  // Capacity (annex 4): everyone present here and everyone taken in still to log in needs a
  // machine, and so does this candidate.
  const machines = approvedSeats(ctx.db, roomId).length;
  const present = countPresent(ctx.db, roomId, t.sitting_id);
  const waiting = countTakenInWaiting(ctx.db, roomId, t.sitting_id);
  if (present + waiting + 1 > machines) {
    const room = getRoom(ctx.db, roomId);
    throw new ProtocolError(
      ERROR_CODES.ROOM_FULL,
      `${room?.name ?? roomId}: ${present} present and ${waiting} taken in still to log in, ` +
        `${machines} approved machines; there is no machine for one more candidate.`,
      { present, takenIn: waiting, machines },
    );
  }
  const now = ctx.clock.now();
  writeTransaction(ctx.db, () => {
    markTakenIn(ctx.db, transferId, roomId, now, actor.id, actorHolder(actor));
    setTakenInRoom(ctx.db, t.ticket_no, t.sitting_id, roomId);
    appendAudit(ctx.db, now, {
      actorRole: actor.role,
      actorId: actor.id,
      action: 'transfer.in',
      subject: `${t.ticket_no}/${t.sitting_id}`,
      data: { transferId, fromRoomId: t.from_room_id, toRoomId: roomId },
    });
  });
  ctx.log.info({ roomId, ticketNo: t.ticket_no, transferId }, 'candidate transferred in');
  ctx.events.emit('room-changed', { roomId: t.from_room_id });
  ctx.events.emit('room-changed', { roomId });
  return transferView(ctx.db, getTransfer(ctx.db, transferId)!);
}

export function resolveTransfer(
  ctx: SiteContext,
  actor: Actor,
  roomId: string,
  req: ResolveTransferRequest,
): TransferView {
  const t = openTransfer(ctx, req.transferId);
  if (t.from_room_id !== roomId) {
    throw new ProtocolError(
      ERROR_CODES.UNKNOWN_TRANSFER,
      `Transfer ${req.transferId} is not out of this room: the sending room resolves it.`,
    );
  }
  const now = ctx.clock.now();
  writeTransaction(ctx.db, () => {
    markResolved(ctx.db, req.transferId, {
      resolved_at: now,
      resolved_by_id: actor.id,
      resolved_by_name: actorHolder(actor),
      outcome: req.outcome,
      note: req.note,
    });
    appendAudit(ctx.db, now, {
      actorRole: actor.role,
      actorId: actor.id,
      action: 'transfer.resolved',
      subject: `${t.ticket_no}/${t.sitting_id}`,
      data: { transferId: req.transferId, fromRoomId: roomId, outcome: req.outcome, note: req.note },
    });
  });
  ctx.log.info(
    { roomId, ticketNo: t.ticket_no, transferId: req.transferId, outcome: req.outcome },
    'transfer resolved',
  );
  ctx.events.emit('room-changed', { roomId });
  return transferView(ctx.db, getTransfer(ctx.db, req.transferId)!);
}
