import { PROCTOR_EVENTS } from '@exam/protocol';
import { answerProctorHandlers } from '../answers/handlers.js';
import { ApprovalGate } from '../approvals/approvals.js';
import { backupProctorHandlers } from '../backups/handlers.js';
import { candidateProctorHandlers } from '../candidates/handlers.js';
import { machineProctorHandlers } from '../machines/handlers.js';
import { roomJoinRequests } from '../machines/machineApprovals.js';
import { noticeProctorHandlers } from '../notices/handlers.js';
import { gateUntilSignedIn, signInHandlers } from '../proctors/handlers.js';
import { ProctorSignIn } from '../proctors/proctorAuth.js';
import { roomProctorHandlers } from '../rooms/handlers.js';
import type { RoomBroadcaster } from '../rooms/roomBroadcaster.js';
import type { SiteContext } from '../site/context.js';
import type { EventLimits } from '../site/eventLimits.js';
import { sittingProctorHandlers } from '../sittings/handlers.js';
import { standaloneProctorHandlers } from '../standalone/handlers.js';
import { transferProctorHandlers } from '../transfers/handlers.js';
import { EventLimiter } from './eventLimiter.js';
import { refuseOtherEvents } from './handler.js';
import { checkHandshake } from './handshake.js';
import { handleProctor, type ProctorConnection } from './proctorConnection.js';
import { type ProctorNamespace, type ProctorSocket, proctorRoom } from './proctorRoom.js';

/** Every event this namespace answers (from the contract); anything else is refused. */
export { PROCTOR_EVENTS };

export function attachProctorNamespace(
  nsp: ProctorNamespace,
  ctx: SiteContext,
  broadcaster: RoomBroadcaster,
  limits: EventLimits,
): void {
  const auth = new ProctorSignIn(ctx);
  const eventLimiter = new EventLimiter(limits);
  const gate = new ApprovalGate(ctx);
  nsp.use((socket, next) => {
    try {
      checkHandshake(socket.handshake.auth);
      next();
    } catch (e) {
      next(e as Error);
    }
  });

  // A connection signs in inside itself (a challenge bound to its TLS session); only then
  // does it join its room, get pushes and reach any feature's handlers.
  nsp.on('connection', (socket: ProctorSocket) => {
    const connLog = ctx.log.child({ ns: 'proctor', sid: socket.id });
    // Before sign-in a connection is anyone on the LAN: its challenges and attempts are limited.
    eventLimiter.attach(socket, connLog, {
      authenticated: () => socket.data.identity !== undefined,
      limitAfterwards: false,
    });
    refuseOtherEvents(socket, PROCTOR_EVENTS, connLog);
    gateUntilSignedIn(socket, connLog);
    signInHandlers(ctx, socket, connLog, auth, (identity) => {
      const { roomId } = identity;
      const log = connLog.child({ roomId, holder: identity.holder });
      log.info({ role: identity.role, fingerprint: identity.fingerprint }, 'proctor signed in');
      // The room comes from the authenticated socket, never from a message.
      const actor = { role: identity.role, id: `${identity.holder}@${identity.fingerprint.slice(0, 12)}` };
      const conn: ProctorConnection = { ctx, socket, log, roomId, actor, gate, broadcaster };
      handleProctor(socket, 'proctor:syncTime', log, () => ({ serverNow: ctx.clock.now() }));
      roomProctorHandlers(conn);
      sittingProctorHandlers(conn);
      answerProctorHandlers(conn);
      noticeProctorHandlers(conn);
      candidateProctorHandlers(conn);
      machineProctorHandlers(conn);
      standaloneProctorHandlers(conn);
      transferProctorHandlers(conn);
      backupProctorHandlers(conn);
      void socket.join(proctorRoom(roomId));
    });
  });

  const refresh = ({ roomId }: { roomId: string }) => broadcaster.sendSnapshot(roomId);
  ctx.events.on('sitting-started', refresh);
  ctx.events.on('sitting-state', refresh);
  ctx.events.on('room-changed', refresh);
  ctx.events.on('machines-changed', ({ roomId }) => broadcaster.markMachinesDirty(roomId));
  ctx.events.on('notice-acknowledged', ({ roomId, ...ack }) =>
    nsp.to(proctorRoom(roomId)).emit('room:noticeAck', ack),
  );
  ctx.events.on('join-requests-changed', ({ roomId }) =>
    nsp.to(proctorRoom(roomId)).emit('room:joinRequests', { requests: roomJoinRequests(ctx, roomId) }),
  );
  ctx.events.on('client-alert', ({ roomId, alert }) => broadcaster.sendAlert(roomId, alert));
  ctx.events.on('candidate-changed', ({ roomId, ticketNo, sittingId }) =>
    broadcaster.markDirty(roomId, ticketNo, sittingId),
  );
}
