import { handleProctor, type ProctorConnection } from '../sockets/proctorConnection.js';
import { cancelStandalonePackage } from './cancelPackage.js';
import { collectAnswerFile } from './collectAnswers.js';
import { issueConsentChallenge } from './consent.js';
import { exportStandalonePackage } from './exportPackage.js';
import { standaloneOfflineKit } from './offlineKit.js';
import { registerConsolePackage } from './registerPackage.js';
import { standaloneList, standaloneMachines } from './standaloneViews.js';

/**
 * Standalone mode (issue 17) at the console: the chief examiner's consent challenge, the
 * machines a package may go to, export, cancel, collection of answer files, the room's list.
 * Consent is bound to this connection: its challenge is answered here or not at all.
 */
export function standaloneProctorHandlers({
  ctx,
  socket,
  log,
  roomId,
  actor,
  broadcaster,
}: ProctorConnection): void {
  handleProctor(socket, 'standalone:challenge', log, () => issueConsentChallenge(ctx, socket.id));
  handleProctor(socket, 'standalone:machines', log, () => standaloneMachines(ctx));
  handleProctor(socket, 'standalone:list', log, () => standaloneList(ctx, roomId));
  handleProctor(socket, 'standalone:offlineKit', log, () => standaloneOfflineKit(ctx, roomId));
  handleProctor(socket, 'standalone:register', log, (p) => registerConsolePackage(ctx, actor, roomId, p));
  handleProctor(socket, 'standalone:export', log, (p) =>
    exportStandalonePackage(ctx, actor, roomId, socket.id, p),
  );
  handleProctor(socket, 'standalone:cancel', log, (p) =>
    cancelStandalonePackage(ctx, actor, roomId, socket.id, p),
  );
  handleProctor(socket, 'standalone:collect', log, (p) => {
    const collected = collectAnswerFile(ctx, actor, roomId, Buffer.from(p.fileBase64, 'base64'));
    const { ticketNo } = collected.result;
    const { sittingId } = collected;
    log.info({ ...collected.result }, 'standalone answer file collected');
    if (collected.stored.length > 0) {
      // The room's consoles hold what the server holds (their replicas).
      broadcaster.sendCommitted(
        new Map([[roomId, collected.stored.map((c) => ({ ticketNo, sittingId, ...c }))]]),
      );
    }
    if (collected.handedInAt !== null) {
      ctx.events.emit('handed-in', {
        ticketNo,
        sittingId,
        handedInAt: collected.handedInAt,
        kind: collected.handInKind,
      });
    }
    ctx.events.emit('candidate-changed', { roomId, ticketNo, sittingId });
    return collected.result;
  });
}
