import {
  CANDIDATE_EVENTS,
  type CandidateClientEvents,
  type CandidateServerEvents,
  candidateContract,
  ERROR_CODES,
  ProtocolError,
} from '@exam/protocol';
import type { Namespace, Socket } from 'socket.io';
import type { GroupCommitter } from '../answers/groupCommit.js';
import { StartedSittings } from '../answers/startedSittings.js';
import { appendAudit } from '../audit/auditLog.js';
import type { NewChange } from '../db/tables/answers.js';
import { getCandidateSitting } from '../db/tables/candidateSittings.js';
import { getCandidate } from '../db/tables/candidates.js';
import { upsertMachine } from '../db/tables/machines.js';
import { getMeta } from '../db/tables/meta.js';
import { getRoomSitting, listRoomSittings, type RoomSittingRow } from '../db/tables/roomSittings.js';
import { getRoom } from '../db/tables/rooms.js';
import { getSittingMeta, type SittingMeta } from '../db/tables/sittings.js';
import { writeTransaction } from '../db/transactions.js';
import type { SiteContext } from '../services/context.js';
import { checkChangesFit, deliveryTarget, type SaveTarget } from '../services/deliver.js';
import { type LoggedIn, login, type MachineInfo, resume } from '../services/login.js';
import { recordAlert, recordCheck } from '../services/machines.js';
import { acknowledgeNotice } from '../services/notices.js';
import type { FailureLimiter } from '../services/rateLimit.js';
import { handIn, noteDowntime } from '../services/sittingControl.js';
import { sittingView } from '../services/views.js';
import { handlerFor, refuseOtherEvents } from './handler.js';
import { checkHandshake } from './handshake.js';
import type { MachinePresence, Presence } from './presence.js';

interface CandidateSocketData {
  machine?: MachineInfo;
  session?: { ticketNo: string; sittingId: string; roomId: string };
}

export type CandidateNamespace = Namespace<
  CandidateClientEvents,
  CandidateServerEvents,
  Record<string, never>,
  CandidateSocketData
>;
type CandidateSocket = Socket<
  CandidateClientEvents,
  CandidateServerEvents,
  Record<string, never>,
  CandidateSocketData
>;

/** Every event this namespace answers (from the contract); anything else is refused. */
export { CANDIDATE_EVENTS };

const handle = handlerFor(candidateContract);

/**
 * Saves one connection may have waiting for their commit. The candidate client sends one at
 * a time (its journal is the queue), so only a broken or hostile machine reaches this; past
 * it, saves are refused at once rather than held in the server's memory.
 */
export const MAX_SAVES_IN_FLIGHT = 32;

export const candidateRoom = (ticketNo: string, sittingId: string) => `cand:${ticketNo}:${sittingId}`;
export const roomSittingRoom = (roomId: string, sittingId: string) => `rs:${roomId}:${sittingId}`;
/** Every machine registered in a room, logged in or not. */
export const roomMachinesRoom = (roomId: string) => `machines:${roomId}`;

/** The room's sittings whose login is open and that have not ended. */
function loginOpenSittings(ctx: SiteContext, roomId: string): string[] {
  return listRoomSittings(ctx.db, roomId)
    .filter((rs) => rs.login_opened_at !== null && rs.ended_at === null)
    .map((rs) => rs.sitting_id);
}

function requireMachine(socket: CandidateSocket): MachineInfo {
  const m = socket.data.machine;
  if (!m) throw new ProtocolError(ERROR_CODES.NOT_REGISTERED, 'Register this machine (room and seat) first.');
  return m;
}

function requireSession(socket: CandidateSocket, sittingId: string) {
  const s = socket.data.session;
  if (!s) throw new ProtocolError(ERROR_CODES.NOT_LOGGED_IN, 'Log in first.');
  if (s.sittingId !== sittingId) throw new ProtocolError(ERROR_CODES.FORBIDDEN, 'Not your sitting.');
  return s;
}

export function attachCandidateNamespace(
  nsp: CandidateNamespace,
  ctx: SiteContext,
  deps: { committer: GroupCommitter; limiter: FailureLimiter; presence: Presence; machines: MachinePresence },
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

  nsp.on('connection', (socket: CandidateSocket) => {
    const log = ctx.log.child({ ns: 'candidate', sid: socket.id });
    let savesInFlight = 0;

    /** answer:save and answer:deliver share the per-connection limit and the committer. */
    const commit = async (target: SaveTarget, changes: NewChange[]) => {
      if (savesInFlight >= MAX_SAVES_IN_FLIGHT) {
        throw new ProtocolError(
          ERROR_CODES.RATE_LIMITED,
          `More than ${MAX_SAVES_IN_FLIGHT} saves from this machine await their acknowledgement.`,
        );
      }
      savesInFlight++;
      try {
        // Resolves only after the batch's fsync'd commit: the acknowledgement follows it.
        const outcome = await deps.committer.save({ ...target, changes });
        return { ackSeq: outcome.ackSeq };
      } finally {
        savesInFlight--;
      }
    };

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

    refuseOtherEvents(socket, CANDIDATE_EVENTS, log);

    handle(socket, 'machine:register', log, (p) => {
      const room = getRoom(ctx.db, p.roomId);
      if (!room)
        throw new ProtocolError(ERROR_CODES.UNKNOWN_ROOM, `There is no room ${p.roomId} at this site.`);
      if (p.seatNo > room.seats) {
        throw new ProtocolError(ERROR_CODES.UNKNOWN_SEAT, `Room ${room.name} has ${room.seats} seats.`);
      }
      const now = ctx.clock.now();
      const known = socket.data.machine;
      if (known) {
        deps.machines.leave(known.roomId, known.machineId);
        if (known.roomId !== p.roomId) void socket.leave(roomMachinesRoom(known.roomId));
      }
      socket.data.machine = { machineId: p.machineId, roomId: p.roomId, seatNo: p.seatNo };
      if (!known || known.machineId !== p.machineId) {
        writeTransaction(ctx.db, () => {
          upsertMachine(ctx.db, { ...p, at: now });
          appendAudit(ctx.db, now, {
            actorRole: 'candidate',
            actorId: p.machineId,
            action: 'machine.registered',
            subject: `${p.roomId}/${p.seatNo}`,
            data: { clientVersion: p.clientVersion },
          });
        });
      }
      deps.machines.enter(p.roomId, p.machineId);
      void socket.join(roomMachinesRoom(p.roomId));
      return {
        siteName: getMeta(ctx.db, 'siteName') ?? '',
        roomName: room.name,
        serverNow: now,
        loginOpen: loginOpenSittings(ctx, p.roomId),
      };
    });

    handle(socket, 'machine:check', log, (p) => ({
      shortfalls: recordCheck(ctx, requireMachine(socket), p),
    }));

    handle(socket, 'client:alert', log, (p) => ({
      id: recordAlert(ctx, requireMachine(socket), socket.data.session?.ticketNo ?? null, p).id,
    }));

    handle(socket, 'candidate:login', log, (p) =>
      enterSession(login(ctx, requireMachine(socket), p, deps.limiter)),
    );

    handle(socket, 'candidate:resume', log, (p) =>
      enterSession(resume(ctx, requireMachine(socket), p.sessionToken)),
    );

    handle(socket, 'answer:save', log, async (p) => {
      const s = requireSession(socket, p.sittingId);
      if (!started.has(s.roomId, s.sittingId))
        throw new ProtocolError(ERROR_CODES.SITTING_NOT_STARTED, 'The sitting has not started.');
      checkChangesFit(ctx.papers.items(s.sittingId), p.changes);
      return commit({ roomId: s.roomId, ticketNo: s.ticketNo, sittingId: s.sittingId }, p.changes);
    });

    // A previous sitting's leftovers, after this machine moved on to the next login.
    handle(socket, 'answer:deliver', log, (p) => {
      const target = deliveryTarget(ctx, requireMachine(socket), p, (roomId, sittingId) =>
        started.has(roomId, sittingId),
      );
      checkChangesFit(ctx.papers.items(target.sittingId), p.changes);
      return commit(target, p.changes);
    });

    handle(socket, 'exam:handIn', log, (p) => {
      const s = requireSession(socket, p.sittingId);
      // The answers this candidate sent before the hand-in are committed before it is
      // recorded; any sent after it are stored as after the hand-in.
      return deps.committer.afterCommits(() => handIn(ctx, s.ticketNo, s.sittingId));
    });

    handle(socket, 'time:sync', log, () => ({ serverNow: ctx.clock.now() }));

    handle(socket, 'notice:ack', log, (p) => {
      const s = socket.data.session;
      if (!s) throw new ProtocolError(ERROR_CODES.NOT_LOGGED_IN, 'Log in first.');
      return { acknowledgedAt: acknowledgeNotice(ctx, s.ticketNo, s.sittingId, p.noticeId) };
    });

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

  /**
   * Sends each socket its sitting view. The sitting and room rows are read once for all of
   * them: at the start that is a room of 40 sockets, site-wide 2000 in one burst.
   */
  const pushViews = (sockets: CandidateSocket[], withKey: boolean) => {
    const shared = new Map<string, { sitting: SittingMeta; rs: RoomSittingRow } | null>();
    const now = ctx.clock.now();
    for (const socket of sockets) {
      const s = socket.data.session;
      if (!s) continue;
      const key = `${s.roomId}\u0000${s.sittingId}`;
      let rows = shared.get(key);
      if (rows === undefined) {
        const sitting = getSittingMeta(ctx.db, s.sittingId);
        const rs = getRoomSitting(ctx.db, s.roomId, s.sittingId);
        rows = sitting && rs ? { sitting, rs } : null;
        shared.set(key, rows);
      }
      const cs = getCandidateSitting(ctx.db, s.ticketNo, s.sittingId);
      if (!rows || !cs) continue;
      const view = sittingView(rows.sitting, rows.rs, cs, now);
      if (withKey) {
        // Key material goes to this socket only; never log it.
        socket.emit('sitting:started', {
          sitting: view,
          sittingKey: ctx.papers.key(s.sittingId).toString('base64'),
        });
      } else {
        socket.emit('sitting:state', view);
      }
    }
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
    const roomId = getCandidate(ctx.db, ticketNo)?.room_id;
    if (roomId) ctx.events.emit('machines-changed', { roomId });
  });
  ctx.events.on('handed-in', ({ ticketNo, sittingId, handedInAt, kind }) => {
    nsp.to(candidateRoom(ticketNo, sittingId)).emit('exam:handedIn', { sittingId, handedInAt, kind });
  });
}
