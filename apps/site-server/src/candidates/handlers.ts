import type { GroupCommitter } from '../answers/groupCommit.js';
import type { SharedCommit } from '../db/sharedCommit.js';
import type { Presence } from '../machines/presence.js';
import {
  type CandidateConnection,
  type CandidateSocket,
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
import type { LoginLockouts } from './loginLockouts.js';

/**
 * One live session per candidate (issue 16): a login or resume takes the candidate's sitting
 * over from every older connection holding it. Those are told (`session:replaced`) and
 * refuse their saves from now on (SESSION_REPLACED), so nothing they send is acknowledged
 * and quietly lost; their machine keeps its unsent changes.
 */
function replaceOlderSessions(
  socket: CandidateSocket,
  presence: Presence,
  next: { ticketNo: string; sittingId: string },
): void {
  const room = candidateRoom(next.ticketNo, next.sittingId);
  // A copy: leaving the room below changes the set.
  for (const id of [...(socket.nsp.adapter.rooms.get(room) ?? [])]) {
    const older = socket.nsp.sockets.get(id);
    const s = older?.data.session;
    if (!older || older === socket || !s) continue;
    presence.leave(s.roomId, s.ticketNo, s.sittingId);
    void older.leave(room);
    void older.leave(roomSittingRoom(s.roomId, s.sittingId));
    older.data.session = undefined;
    older.data.replaced = true;
    older.emit('session:replaced', { sittingId: s.sittingId });
  }
}

/** candidate:login, candidate:resume and exam:handIn: the candidate's own session. */
export function candidateHandlers(
  { ctx, socket, log }: CandidateConnection,
  deps: {
    committer: GroupCommitter;
    limiter: LoginLockouts;
    presence: Presence;
    logins: SharedCommit;
  },
): void {
  const enterSession = async (loggedIn: LoggedIn) => {
    const prev = socket.data.session;
    if (prev) {
      await socket.leave(candidateRoom(prev.ticketNo, prev.sittingId));
      deps.presence.leave(prev.roomId, prev.ticketNo, prev.sittingId);
    }
    replaceOlderSessions(socket, deps.presence, loggedIn);
    socket.data.replaced = false;
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

  // Logins of one turn share a commit; the reply (and a failure's lock-out count) is durable.
  handleCandidate(socket, 'candidate:login', log, async (p) => {
    const machine = requireMachine(socket);
    return enterSession(await deps.logins.run(() => login(ctx, machine, p, deps.limiter)));
  });

  handleCandidate(socket, 'candidate:resume', log, (p) =>
    enterSession(resume(ctx, requireMachine(socket), p.sessionToken)),
  );

  handleCandidate(socket, 'exam:handIn', log, (p) => {
    const s = requireSession(socket, p.sittingId);
    // The answers this candidate sent before the hand-in are committed before it is
    // recorded; any sent after it are refused (HANDED_IN) unless they are late arrivals.
    return deps.committer.afterCommits(() => handIn(ctx, s.ticketNo, s.sittingId));
  });
}

/** candidate:detail: one candidate of the console's room. */
export function candidateProctorHandlers({ ctx, socket, log, roomId }: ProctorConnection): void {
  handleProctor(socket, 'candidate:detail', log, (p) =>
    candidateDetail(ctx, roomId, p.sittingId, p.ticketNo),
  );
}
