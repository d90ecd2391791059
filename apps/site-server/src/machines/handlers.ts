import { CANDIDATE_EVENTS, type CandidateEvent, ERROR_CODES, fail, ProtocolError } from '@exam/protocol';
import type { MachineInfo } from '../candidates/login.js';
import {
  type CandidateConnection,
  type CandidateSocket,
  handleCandidate,
  machineKeyRoom,
  requireMachine,
  roomMachinesRoom,
} from '../sockets/candidateSocket.js';
import type { ProctorConnection } from '../sockets/proctorConnection.js';
import { handleProctor } from '../sockets/proctorConnection.js';
import type { AlertFloodGuard } from './alertFlood.js';
import { approveMachine, refuseMachine } from './machineApprovals.js';
import { machineHello, machineJoin, machineProve } from './machineProofs.js';
import { recordAlert, recordCheck } from './machines.js';
import type { MachinePresence } from './presence.js';

/** What a machine may send before a proctor approved it: proving its key and asking to join. */
const BEFORE_APPROVAL: ReadonlySet<CandidateEvent> = new Set([
  'machine:hello',
  'machine:prove',
  'machine:join',
]);
const KNOWN: ReadonlySet<string> = new Set(CANDIDATE_EVENTS);

/**
 * Until the machine has proved its key on this connection and holds a binding, every other
 * event is refused with MACHINE_NOT_APPROVED before any handler runs. (Unknown events are
 * left to the namespace's FORBIDDEN refusal.)
 */
export function gateUnapprovedMachines(socket: CandidateSocket): void {
  socket.use(([event, ...args], next) => {
    if (socket.data.machine || BEFORE_APPROVAL.has(event as CandidateEvent) || !KNOWN.has(event)) {
      next();
      return;
    }
    const ack = args[args.length - 1];
    if (typeof ack === 'function') {
      ack(
        fail(
          ERROR_CODES.MACHINE_NOT_APPROVED,
          'This machine has not been approved for a seat; ask the proctor.',
        ),
      );
    }
  });
}

/** The connection becomes its binding's seat: presence, the room's machine pushes. */
export function seatMachine(socket: CandidateSocket, machines: MachinePresence, machine: MachineInfo): void {
  unseatMachine(socket, machines);
  socket.data.machine = machine;
  machines.enter(machine.roomId, machine.machineId);
  void socket.join(roomMachinesRoom(machine.roomId));
}

export function unseatMachine(socket: CandidateSocket, machines: MachinePresence): void {
  const known = socket.data.machine;
  if (!known) return;
  machines.leave(known.roomId, known.machineId);
  void socket.leave(roomMachinesRoom(known.roomId));
  socket.data.machine = undefined;
}

/** machine:hello/prove/join, machine:check and client:alert: a test machine before and beside its candidate. */
export function machineHandlers(
  { ctx, socket, log }: CandidateConnection,
  machines: MachinePresence,
  alerts: AlertFloodGuard,
): void {
  const remoteAddress = () => socket.handshake.address;

  handleCandidate(socket, 'machine:hello', log, (p) => {
    const { state, reply } = machineHello(ctx, p, socket.data.machineKey);
    socket.data.machineKey = state;
    return reply;
  });

  handleCandidate(socket, 'machine:prove', log, (p) => {
    try {
      const { status, machine } = machineProve(ctx, socket.data.machineKey, p.signature, remoteAddress());
      const { fingerprint } = socket.data.machineKey!;
      void socket.join(machineKeyRoom(fingerprint));
      if (machine) seatMachine(socket, machines, machine);
      return status;
    } catch (e) {
      if (e instanceof Error && 'code' in e && e.code === ERROR_CODES.MACHINE_PROOF_FAILED) {
        log.warn({ address: remoteAddress() }, 'machine key proof failed; closing the connection');
        // After the refusal has been written: the reply goes first, then the connection.
        setImmediate(() => socket.disconnect(true));
      }
      throw e;
    }
  });

  handleCandidate(socket, 'machine:join', log, (p) =>
    machineJoin(ctx, socket.data.machineKey, p, remoteAddress()),
  );

  handleCandidate(socket, 'machine:check', log, (p) => ({
    shortfalls: recordCheck(ctx, requireMachine(socket), p),
  }));

  handleCandidate(socket, 'client:alert', log, (p) => {
    const machine = requireMachine(socket);
    const ticketNo = socket.data.session?.ticketNo ?? null;
    if (!alerts.admit(machine, ticketNo, p)) {
      throw new ProtocolError(
        ERROR_CODES.RATE_LIMITED,
        'Too many alerts from this machine; they are not recorded.',
      );
    }
    return { id: recordAlert(ctx, machine, ticketNo, p).id };
  });
}

/** machine:approve and machine:refuse: the room's console decides which machines sit its seats. */
export function machineProctorHandlers({ ctx, socket, log, roomId, actor }: ProctorConnection): void {
  handleProctor(socket, 'machine:approve', log, (p) => approveMachine(ctx, roomId, actor, p));
  handleProctor(socket, 'machine:refuse', log, (p) => ({
    refusedAt: refuseMachine(ctx, roomId, actor, p.fingerprint).refusedAt,
  }));
}
