import { ERROR_CODES, ProtocolError } from '@exam/protocol';
import { type CandidateConnection, handleCandidate } from '../sockets/candidateSocket.js';
import { handleProctor, type ProctorConnection } from '../sockets/proctorConnection.js';
import { acknowledgeNotice, sendNotice } from './notices.js';

/** notice:ack: the candidate read a notice. */
export function noticeHandlers({ ctx, socket, log }: CandidateConnection): void {
  handleCandidate(socket, 'notice:ack', log, (p) => {
    const s = socket.data.session;
    if (!s) throw new ProtocolError(ERROR_CODES.NOT_LOGGED_IN, 'Log in first.');
    return { acknowledgedAt: acknowledgeNotice(ctx, s.ticketNo, s.sittingId, p.noticeId) };
  });
}

/** notice:send: a notice to the room's sitting or to one candidate. */
export function noticeProctorHandlers({
  ctx,
  socket,
  log,
  roomId,
  actor,
  broadcaster,
}: ProctorConnection): void {
  handleProctor(socket, 'notice:send', log, (p) => {
    const noticeId = sendNotice(ctx, actor, roomId, p);
    return { noticeId, recipients: broadcaster.noticeRecipients(roomId, p.sittingId, p.ticketNo) };
  });
}
