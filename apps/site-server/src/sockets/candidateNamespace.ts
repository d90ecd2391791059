import { CANDIDATE_EVENTS } from '@exam/protocol';
import type { GroupCommitter } from '../answers/groupCommit.js';
import { answerHandlers } from '../answers/handlers.js';
import { StartedSittings } from '../answers/startedSittings.js';
import { sittingRoomOf } from '../candidates/candidateSittingsTable.js';
import { noteDowntime } from '../candidates/handIn.js';
import { candidateHandlers } from '../candidates/handlers.js';
import type { LoginLockouts } from '../candidates/loginLockouts.js';
import type { SharedCommit } from '../db/sharedCommit.js';
import { AlertFloodGuard } from '../machines/alertFlood.js';
import { gateUnapprovedMachines, machineHandlers, seatMachine, unseatMachine } from '../machines/handlers.js';
import { approvedReply } from '../machines/machines.js';
import type { MachinePresence, Presence } from '../machines/presence.js';
import { noticeHandlers } from '../notices/handlers.js';
import type { SiteContext } from '../site/context.js';
import type { EventLimits } from '../site/eventLimits.js';
import { machineKey } from '../site/machineKey.js';
import { loginOpenSittings, sittingViews } from '../sittings/sittingState.js';
import {
  type CandidateConnection,
  type CandidateNamespace,
  type CandidateSocket,
  candidateRoom,
  handleCandidate,
  machineKeyRoom,
  roomMachinesRoom,
  roomSittingRoom,
} from './candidateSocket.js';
import { EventLimiter } from './eventLimiter.js';
import { refuseOtherEvents } from './handler.js';
import { checkHandshake } from './handshake.js';

/** Every event this namespace answers (from the contract); anything else is refused. */
export { CANDIDATE_EVENTS };

export function attachCandidateNamespace(
  nsp: CandidateNamespace,
  ctx: SiteContext,
  deps: {
    committer: GroupCommitter;
    limiter: LoginLockouts;
    logins: SharedCommit;
    presence: Presence;
    machines: MachinePresence;
    limits: EventLimits;
  },
): void {
  nsp.use((socket, next) => {
    try {
      checkHandshake(socket.handshake.auth);
      next();
    } catch (e) {
      next(e as Error);
    }
  });

  // Saves check the start on every message: remembered once seen, not queried each time.
  const started = new StartedSittings(ctx.db);
  const eventLimiter = new EventLimiter(deps.limits);
  const alerts = new AlertFloodGuard(ctx, deps.limits);

  nsp.on('connection', (socket: CandidateSocket) => {
    const log = ctx.log.child({ ns: 'candidate', sid: socket.id });
    const conn: CandidateConnection = { ctx, socket, log };

    // First: a message past the limits costs no schema, handler or database work.
    eventLimiter.attach(socket, log, {
      authenticated: () => socket.data.session !== undefined,
      limitAfterwards: true,
      machine: () => (socket.data.machine ? machineKey(socket.data.machine) : undefined),
      onFlood: (event) => {
        const m = socket.data.machine;
        if (m) alerts.floodFrom(m, socket.data.session?.ticketNo ?? null, event);
      },
    });
    refuseOtherEvents(socket, CANDIDATE_EVENTS, log);
    gateUnapprovedMachines(socket);
    machineHandlers(conn, deps.machines, alerts);
    candidateHandlers(conn, deps);
    answerHandlers(conn, deps.committer, started);
    noticeHandlers(conn);
    handleCandidate(socket, 'time:sync', log, () => ({ serverNow: ctx.clock.now() }));

    socket.on('disconnect', (reason) => {
      const s = socket.data.session;
      if (s) {
        deps.presence.leave(s.roomId, s.ticketNo, s.sittingId);
        if (!deps.presence.isOnline(s.ticketNo, s.sittingId)) {
          const pingTimeoutMs = socket.nsp.server.engine.opts.pingTimeout ?? 0;
          noteDowntime(ctx, s.ticketNo, s.sittingId, { reason, pingTimeoutMs });
        }
      }
      const m = socket.data.machine;
      if (m) deps.machines.leave(m.roomId, m.machineId);
    });
  });

  /** Sends each socket its sitting view; the rows are read once per room's sitting. */
  const pushViews = (sockets: CandidateSocket[], withKey: boolean) => {
    const live = sockets.flatMap((socket) => {
      const s = socket.data.session;
      return s ? [{ socket, s }] : [];
    });
    const views = sittingViews(
      ctx,
      live.map(({ s }) => s),
    );
    live.forEach(({ socket, s }, i) => {
      const view = views[i];
      if (!view) return;
      if (withKey) {
        // Key material goes to this socket only; never log it.
        socket.emit('sitting:started', {
          sitting: view,
          sittingKey: ctx.papers.key(s.sittingId).toString('base64'),
        });
      } else {
        socket.emit('sitting:state', view);
      }
    });
  };

  const socketsIn = (room: string): CandidateSocket[] =>
    [...(nsp.adapter.rooms.get(room) ?? [])].flatMap((id) => nsp.sockets.get(id) ?? []);

  // Every machine of the room learns which sittings take logins: one locked by a reset opens
  // again for the next sitting.
  const pushLoginOpen = (roomId: string) => {
    nsp.to(roomMachinesRoom(roomId)).emit('room:loginOpen', { sittingIds: loginOpenSittings(ctx, roomId) });
  };

  ctx.events.on('sitting-started', ({ roomId, sittingId }) => {
    pushViews(socketsIn(roomSittingRoom(roomId, sittingId)), true);
    pushLoginOpen(roomId);
  });
  ctx.events.on('sitting-state', ({ roomId, sittingId }) => {
    pushViews(socketsIn(roomSittingRoom(roomId, sittingId)), false);
    pushLoginOpen(roomId);
  });
  ctx.events.on('candidate-timing', ({ ticketNo, sittingId }) => {
    pushViews(socketsIn(candidateRoom(ticketNo, sittingId)), false);
  });
  ctx.events.on('notice', ({ roomId, sittingId, ticketNo, noticeId, text, at }) => {
    const room = ticketNo ? candidateRoom(ticketNo, sittingId) : roomSittingRoom(roomId, sittingId);
    nsp.to(room).emit('notice', { noticeId, text, at });
  });
  // The old machine of a reset candidate is told, then forgets the session and locks.
  ctx.events.on('candidate-reset', ({ ticketNo, sittingId, reason }) => {
    for (const socket of socketsIn(candidateRoom(ticketNo, sittingId))) {
      socket.emit('session:revoked', { reason });
      const s = socket.data.session;
      if (s) {
        deps.presence.leave(s.roomId, s.ticketNo, s.sittingId);
        void socket.leave(candidateRoom(s.ticketNo, s.sittingId));
        void socket.leave(roomSittingRoom(s.roomId, s.sittingId));
      }
      socket.data.session = undefined;
    }
    // The released machine is no spare: the console's machine tiles say whose it was.
    const roomId = sittingRoomOf(ctx.db, ticketNo, sittingId);
    if (roomId) ctx.events.emit('machines-changed', { roomId });
  });
  // A proctor approved a machine: its proven connections take the seat at once.
  ctx.events.on('machine-approved', ({ fingerprint, roomId, seatNo }) => {
    const machine = { machineId: fingerprint, roomId, seatNo };
    for (const socket of socketsIn(machineKeyRoom(fingerprint))) {
      if (socket.data.machineKey?.fingerprint !== fingerprint) continue;
      seatMachine(socket, deps.machines, machine);
      socket.emit('machine:approved', approvedReply(ctx, machine, ctx.clock.now()));
    }
  });
  // Refused, or retired by a spare approved for its seat: back to asking to join.
  ctx.events.on('machine-dropped', ({ fingerprint }) => {
    for (const socket of socketsIn(machineKeyRoom(fingerprint))) {
      const s = socket.data.session;
      if (s) {
        deps.presence.leave(s.roomId, s.ticketNo, s.sittingId);
        void socket.leave(candidateRoom(s.ticketNo, s.sittingId));
        void socket.leave(roomSittingRoom(s.roomId, s.sittingId));
        socket.data.session = undefined;
      }
      unseatMachine(socket, deps.machines);
      socket.emit('machine:refused', {});
    }
  });
  ctx.events.on('handed-in', ({ ticketNo, sittingId, handedInAt, kind }) => {
    nsp.to(candidateRoom(ticketNo, sittingId)).emit('exam:handedIn', { sittingId, handedInAt, kind });
  });
}
