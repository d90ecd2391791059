import type { GroupCommitter } from '../answers/groupCommit.js';
import type { Presence } from '../machines/presence.js';
import type { FailureLimiter } from '../site/failureLimiter.js';
import {
  type CandidateConnection,
  candidateRoom,
  handleCandidate,
  requireMachine,
  requireSession,
  roomSittingRoom,
} from '../sockets/candidateSocket.js';
import { handleProctor, type ProctorConnection } from '../sockets/proctorConnection.js';
import { candidateDetail } from './candidateDetail.js';
import { handIn } from './handIn.js';
import { type LoggedIn, login, resume } from './login.js';

/** candidate:login, candidate:resume and exam:handIn: the candidate's own session. */
export function candidateHandlers(
  { ctx, socket, log }: CandidateConnection,
  deps: { committer: GroupCommitter; limiter: FailureLimiter; presence: Presence },
): void {
  const enterSession = async (loggedIn: LoggedIn) => {
    const prev = socket.data.session;
    if (prev) {
      await socket.leave(candidateRoom(prev.ticketNo, prev.sittingId));
      deps.presence.leave(prev.roomId, prev.ticketNo, prev.sittingId);
    }
    socket.data.session = {
      ticketNo: loggedIn.ticketNo,
      sittingId: loggedIn.sittingId,
      roomId: loggedIn.roomId,
    };
    await socket.join([
      candidateRoom(loggedIn.ticketNo, loggedIn.sittingId),
      roomSittingRoom(loggedIn.roomId, loggedIn.sittingId),
    ]);
    deps.presence.enter(loggedIn.roomId, loggedIn.ticketNo, loggedIn.sittingId);
    return loggedIn.result;
  };

  handleCandidate(socket, 'candidate:login', log, (p) =>
    enterSession(login(ctx, requireMachine(socket), p, deps.limiter)),
  );

  handleCandidate(socket, 'candidate:resume', log, (p) =>
    enterSession(resume(ctx, requireMachine(socket), p.sessionToken)),
  );

  handleCandidate(socket, 'exam:handIn', log, (p) => {
    const s = requireSession(socket, p.sittingId);
    // The answers this candidate sent before the hand-in are committed before it is
    // recorded; any sent after it are stored as after the hand-in.
    return deps.committer.afterCommits(() => handIn(ctx, s.ticketNo, s.sittingId));
  });
}

/** candidate:detail: one candidate of the console's room. */
export function candidateProctorHandlers({ ctx, socket, log, roomId }: ProctorConnection): void {
  handleProctor(socket, 'candidate:detail', log, (p) =>
    candidateDetail(ctx, roomId, p.sittingId, p.ticketNo),
  );
}
