import { handleProctor, type ProctorConnection } from '../sockets/proctorConnection.js';
import { endSitting, openLogin, startSitting } from './sittingControl.js';

/** login:open, sitting:start and sitting:end: a room's sitting from login to end. */
export function sittingProctorHandlers({ ctx, socket, log, roomId, actor, gate }: ProctorConnection): void {
  handleProctor(socket, 'login:open', log, (p) => ({
    loginOpenedAt: openLogin(ctx, actor, roomId, p.sittingId),
  }));
  handleProctor(socket, 'sitting:start', log, (p) => startSitting(ctx, actor, roomId, p, gate));
  handleProctor(socket, 'sitting:end', log, (p) => endSitting(ctx, actor, roomId, p.sittingId));
}
