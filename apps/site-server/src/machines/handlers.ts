import {
  type CandidateConnection,
  handleCandidate,
  requireMachine,
  roomMachinesRoom,
} from '../sockets/candidateSocket.js';
import { recordAlert, recordCheck, recordRegistration, registrationReply, roomForSeat } from './machines.js';
import type { MachinePresence } from './presence.js';

/** machine:register, machine:check and client:alert: a test machine before and beside its candidate. */
export function machineHandlers({ ctx, socket, log }: CandidateConnection, machines: MachinePresence): void {
  handleCandidate(socket, 'machine:register', log, (p) => {
    const room = roomForSeat(ctx, p.roomId, p.seatNo);
    const now = ctx.clock.now();
    const known = socket.data.machine;
    if (known) {
      machines.leave(known.roomId, known.machineId);
      if (known.roomId !== p.roomId) void socket.leave(roomMachinesRoom(known.roomId));
    }
    socket.data.machine = { machineId: p.machineId, roomId: p.roomId, seatNo: p.seatNo };
    if (!known || known.machineId !== p.machineId) recordRegistration(ctx, p, now);
    machines.enter(p.roomId, p.machineId);
    void socket.join(roomMachinesRoom(p.roomId));
    return registrationReply(ctx, room, now);
  });

  handleCandidate(socket, 'machine:check', log, (p) => ({
    shortfalls: recordCheck(ctx, requireMachine(socket), p),
  }));

  handleCandidate(socket, 'client:alert', log, (p) => ({
    id: recordAlert(ctx, requireMachine(socket), socket.data.session?.ticketNo ?? null, p).id,
  }));
}
