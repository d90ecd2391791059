import { ERROR_CODES, type JoinRequest, ProtocolError } from '@exam/protocol';
import type { Actor } from '../audit/actor.js';
import { appendAudit } from '../audit/auditLog.js';
import { writeTransaction } from '../db/transactions.js';
import type { SiteContext } from '../site/context.js';
import {
  deleteJoinRequest,
  getJoinRequest,
  type JoinRequestRow,
  listRoomJoinRequests,
} from './joinRequestsTable.js';
import { liveBinding, liveBindingOfSeat, retireBinding, upsertBinding } from './machineBindingsTable.js';
import { roomForSeat } from './machines.js';
import { deleteMachine, upsertMachine } from './machinesTable.js';

/*
 * A room's proctor (or the chief signed in to that room) approves a waiting machine for one
 * of the room's seats, or refuses it. A seat has one approved machine: approving a spare for
 * it retires the older one, which is then back to asking to join.
 */

function waitingIn(ctx: SiteContext, roomId: string, fingerprint: string): JoinRequestRow {
  const request = getJoinRequest(ctx.db, fingerprint);
  if (!request || request.room_id !== roomId) {
    throw new ProtocolError(ERROR_CODES.NO_JOIN_REQUEST, 'No request from this machine waits in this room.');
  }
  return request;
}

export function approveMachine(
  ctx: SiteContext,
  roomId: string,
  actor: Actor,
  { fingerprint, seatNo }: { fingerprint: string; seatNo: number },
): { approvedAt: number; retiredFingerprint: string | null } {
  const request = waitingIn(ctx, roomId, fingerprint);
  roomForSeat(ctx, roomId, seatNo);
  const at = ctx.clock.now();
  const holder = liveBindingOfSeat(ctx.db, roomId, seatNo);
  const retired = holder && holder.fingerprint !== fingerprint ? holder.fingerprint : null;
  const movedFrom = liveBinding(ctx.db, fingerprint)?.room_id;
  writeTransaction(ctx.db, () => {
    if (retired) {
      retireBinding(ctx.db, retired, at);
      deleteMachine(ctx.db, retired);
      appendAudit(ctx.db, at, {
        actorRole: actor.role,
        actorId: actor.id,
        action: 'machine.retired',
        subject: `${roomId}/${seatNo}`,
        data: { fingerprint: retired, replacedBy: fingerprint },
      });
    }
    upsertBinding(ctx.db, {
      fingerprint,
      public_key: request.public_key,
      room_id: roomId,
      seat_no: seatNo,
      approved_at: at,
      approved_by: actor.id,
      last_address: request.remote_address,
    });
    upsertMachine(ctx.db, {
      machineId: fingerprint,
      roomId,
      seatNo,
      clientVersion: request.client_version,
      at,
    });
    deleteJoinRequest(ctx.db, fingerprint);
    appendAudit(ctx.db, at, {
      actorRole: actor.role,
      actorId: actor.id,
      action: 'machine.approved',
      subject: `${roomId}/${seatNo}`,
      data: { fingerprint, seatNo, requestedSeatNo: request.seat_no, remoteAddress: request.remote_address },
    });
  });
  if (retired) ctx.events.emit('machine-dropped', { fingerprint: retired });
  ctx.events.emit('machine-approved', { fingerprint, roomId, seatNo });
  ctx.events.emit('join-requests-changed', { roomId });
  ctx.events.emit('machines-changed', { roomId });
  if (movedFrom && movedFrom !== roomId) ctx.events.emit('machines-changed', { roomId: movedFrom });
  return { approvedAt: at, retiredFingerprint: retired };
}

export function refuseMachine(
  ctx: SiteContext,
  roomId: string,
  actor: Actor,
  fingerprint: string,
): { refusedAt: number } {
  const request = waitingIn(ctx, roomId, fingerprint);
  const at = ctx.clock.now();
  writeTransaction(ctx.db, () => {
    deleteJoinRequest(ctx.db, fingerprint);
    appendAudit(ctx.db, at, {
      actorRole: actor.role,
      actorId: actor.id,
      action: 'machine.refused',
      subject: `${roomId}/${request.seat_no}`,
      data: { fingerprint, remoteAddress: request.remote_address },
    });
  });
  ctx.events.emit('join-requests-changed', { roomId });
  // A machine already approved elsewhere keeps that seat; only a machine with none is told.
  if (!liveBinding(ctx.db, fingerprint)) ctx.events.emit('machine-dropped', { fingerprint });
  return { refusedAt: at };
}

/** What the room's console lists: machines waiting for approval, oldest first. */
export function roomJoinRequests(ctx: SiteContext, roomId: string): JoinRequest[] {
  return listRoomJoinRequests(ctx.db, roomId).map((r) => ({
    fingerprint: r.fingerprint,
    seatNo: r.seat_no,
    remoteAddress: r.remote_address,
    clientVersion: r.client_version,
    requestedAt: r.requested_at,
  }));
}
