import { PROCTOR_EVENTS } from '@exam/protocol';
import { answerProctorHandlers } from '../answers/handlers.js';
import { ApprovalGate } from '../approvals/approvals.js';
import { candidateProctorHandlers } from '../candidates/handlers.js';
import { noticeProctorHandlers } from '../notices/handlers.js';
import { ProctorAuthenticator } from '../proctors/proctorAuth.js';
import { roomProctorHandlers } from '../rooms/handlers.js';
import type { RoomBroadcaster } from '../rooms/roomBroadcaster.js';
import type { SiteContext } from '../site/context.js';
import { sittingProctorHandlers } from '../sittings/handlers.js';
import { refuseOtherEvents } from './handler.js';
import { checkHandshake } from './handshake.js';
import type { ProctorConnection } from './proctorConnection.js';
import { type ProctorNamespace, type ProctorSocket, proctorRoom } from './proctorRoom.js';

/** Every event this namespace answers (from the contract); anything else is refused. */
export { PROCTOR_EVENTS };

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
    const conn: ProctorConnection = { ctx, socket, log, roomId, actor, gate, broadcaster };
    roomProctorHandlers(conn);
    sittingProctorHandlers(conn);
    answerProctorHandlers(conn);
    noticeProctorHandlers(conn);
    candidateProctorHandlers(conn);
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
