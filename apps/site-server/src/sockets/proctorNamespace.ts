import { PROCTOR_EVENTS, proctorContract, type ReplicaChange } from '@exam/protocol';
import { type AnswerChangeRow, listRoomChangesSince } from '../db/tables/answers.js';
import { printRoomReport } from '../report/printRoomReport.js';
import { ApprovalGate } from '../services/approvals.js';
import { candidateDetail } from '../services/candidateDetail.js';
import type { SiteContext } from '../services/context.js';
import { sendNotice } from '../services/notices.js';
import { ProctorAuthenticator } from '../services/proctorAuth.js';
import {
  endChecklist,
  extendTime,
  recordViolation,
  resetCandidate,
  setAbsent,
} from '../services/roomOperations.js';
import { endSitting, openLogin, startSitting } from '../services/sittingControl.js';
import { handlerFor, refuseOtherEvents } from './handler.js';
import { checkHandshake } from './handshake.js';
import { type ProctorNamespace, type ProctorSocket, proctorRoom } from './proctorRoom.js';
import type { RoomBroadcaster } from './roomBroadcaster.js';

/** Every event this namespace answers (from the contract); anything else is refused. */
export { PROCTOR_EVENTS };

const handle = handlerFor(proctorContract);

export function attachProctorNamespace(
  nsp: ProctorNamespace,
  ctx: SiteContext,
  broadcaster: RoomBroadcaster,
): void {
  const auth = new ProctorAuthenticator(ctx);
  const gate = new ApprovalGate(ctx);
  nsp.use((socket, next) => {
    try {
      const hs = checkHandshake(socket.handshake.auth);
      socket.data.identity = auth.authenticate(hs.roomId, hs.proof);
      socket.data.roomId = socket.data.identity.roomId;
      next();
    } catch (e) {
      next(e as Error);
    }
  });

  nsp.on('connection', (socket: ProctorSocket) => {
    const { roomId, identity } = socket.data;
    const log = ctx.log.child({ ns: 'proctor', roomId, holder: identity.holder });
    // The room comes from the authenticated socket, never from a message.
    const actor = { role: identity.role, id: `${identity.holder}@${identity.fingerprint.slice(0, 12)}` };
    void socket.join(proctorRoom(roomId));

    refuseOtherEvents(socket, PROCTOR_EVENTS, log);
    handle(socket, 'room:subscribe', log, () => broadcaster.snapshot(roomId));
    handle(socket, 'login:open', log, (p) => ({
      loginOpenedAt: openLogin(ctx, actor, roomId, p.sittingId),
    }));
    handle(socket, 'sitting:start', log, (p) => startSitting(ctx, actor, roomId, p, gate));
    handle(socket, 'sitting:end', log, (p) => endSitting(ctx, actor, roomId, p.sittingId));
    handle(socket, 'sitting:checklist', log, (p) => endChecklist(ctx, roomId, p.sittingId));
    handle(socket, 'candidate:reset', log, (p) => ({
      resetAt: resetCandidate(ctx, actor, roomId, p).resetAt,
    }));
    handle(socket, 'candidate:extend', log, (p) => extendTime(ctx, actor, roomId, p, gate));
    handle(socket, 'candidate:absent', log, (p) => setAbsent(ctx, actor, roomId, p));
    handle(socket, 'violation:record', log, (p) => ({
      violationId: recordViolation(ctx, actor, roomId, p),
    }));
    handle(socket, 'report:room', log, async (p) => {
      const pdf = await printRoomReport(ctx, actor, roomId, p.sittingId);
      return { fileName: pdf.fileName, pdfBase64: pdf.bytes.toString('base64') };
    });
    handle(socket, 'replica:pull', log, (p) => ({
      changes: listRoomChangesSince(ctx.db, roomId, p.sittingId, p.have).map(toReplicaChange),
    }));
    handle(socket, 'notice:send', log, (p) => {
      const noticeId = sendNotice(ctx, actor, roomId, p);
      return { noticeId, recipients: broadcaster.noticeRecipients(roomId, p.sittingId, p.ticketNo) };
    });
    handle(socket, 'candidate:detail', log, (p) => candidateDetail(ctx, roomId, p.sittingId, p.ticketNo));
  });

  const refresh = ({ roomId }: { roomId: string }) => broadcaster.sendSnapshot(roomId);
  ctx.events.on('sitting-started', refresh);
  ctx.events.on('sitting-state', refresh);
  ctx.events.on('room-changed', refresh);
  ctx.events.on('machines-changed', ({ roomId }) => broadcaster.markMachinesDirty(roomId));
  ctx.events.on('notice-acknowledged', ({ roomId, ...ack }) =>
    nsp.to(proctorRoom(roomId)).emit('room:noticeAck', ack),
  );
  ctx.events.on('client-alert', ({ roomId, alert }) => broadcaster.sendAlert(roomId, alert));
  ctx.events.on('candidate-changed', ({ roomId, ticketNo, sittingId }) =>
    broadcaster.markDirty(roomId, ticketNo, sittingId),
  );
}

export function toReplicaChange(r: AnswerChangeRow): ReplicaChange {
  return {
    ticketNo: r.ticket_no,
    sittingId: r.sitting_id,
    seq: r.seq,
    itemId: r.item_id,
    value: JSON.parse(r.value),
    flagged: r.flagged === 1,
    receivedAt: r.received_at,
  };
}
