import type { RoomAlert } from '@exam/protocol';
import { appendAudit } from '../audit/auditLog.js';
import { writeTransaction } from '../db/transactions.js';
import { insertClientAlert } from '../machines/clientAlertsTable.js';
import type { SiteContext } from '../site/context.js';

/**
 * Why a login failed, as the proctor sees it. The candidate's machine is told only
 * LOGIN_FAILED, whatever the reason: a precise answer would tell a guesser which ticket
 * numbers exist and when an ID number is right.
 */
export const LOGIN_FAILURE_KINDS = Object.freeze({
  UNKNOWN_TICKET: 'login-unknown-ticket',
  WRONG_ID_NUMBER: 'login-wrong-id',
  WRONG_ROOM: 'login-wrong-room',
  NO_SITTING: 'login-no-sitting',
} as const);
export type LoginFailureReason = keyof typeof LOGIN_FAILURE_KINDS;

/**
 * Records a failed login as an alert of the machine's room (the console's alert list and
 * its push) and an audit event, with the precise reason (`ticketNo` is the candidate's,
 * null for a ticket number no candidate has; `detail` what the console shows beside it). Their number is bounded by the
 * login lock-outs: a locked machine's tries are refused before they get here.
 */
export function recordLoginFailure(
  ctx: SiteContext,
  machine: { machineId: string; roomId: string; seatNo: number },
  ticketNo: string | null,
  reason: LoginFailureReason,
  detail: string,
): void {
  const at = ctx.clock.now();
  const kind = LOGIN_FAILURE_KINDS[reason];
  const row = {
    at,
    room_id: machine.roomId,
    machine_id: machine.machineId,
    seat_no: machine.seatNo,
    ticket_no: ticketNo,
    kind,
    detail,
  };
  let id = 0;
  writeTransaction(ctx.db, () => {
    id = insertClientAlert(ctx.db, row);
    appendAudit(ctx.db, at, {
      actorRole: 'candidate',
      actorId: machine.machineId,
      action: 'candidate.loginFailed',
      subject: `${machine.roomId}/${machine.seatNo}`,
      data: { reason, ticketNo, detail },
    });
  });
  const alert: RoomAlert = {
    id,
    at,
    machineId: machine.machineId,
    seatNo: machine.seatNo,
    ticketNo,
    kind,
    detail,
  };
  ctx.events.emit('client-alert', { roomId: machine.roomId, alert });
}
