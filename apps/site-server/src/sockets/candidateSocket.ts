import {
  type CandidateClientEvents,
  type CandidateServerEvents,
  candidateContract,
  ERROR_CODES,
  ProtocolError,
} from '@exam/protocol';
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import type { MachineInfo } from '../candidates/login.js';
import type { MachineKeyState } from '../machines/machineKeyState.js';
import type { SiteContext } from '../site/context.js';
import { handlerFor } from './handler.js';

/**
 * The candidate namespace's types, room names and guards, shared by the features' handlers
 * and the namespace's wiring; a module of their own so no feature imports the wiring.
 */
interface CandidateSocketData {
  /** Set only once the machine proved its key and a proctor's binding gives its room and seat. */
  machine?: MachineInfo;
  /** The key this connection said hello with, and whether it has proved holding it. */
  machineKey?: MachineKeyState;
  session?: { ticketNo: string; sittingId: string; roomId: string };
  /** A newer login or resume of this connection's candidate took its session over (issue 16). */
  replaced?: boolean;
}

export type CandidateNamespace = Namespace<
  CandidateClientEvents,
  CandidateServerEvents,
  Record<string, never>,
  CandidateSocketData
>;
export type CandidateSocket = Socket<
  CandidateClientEvents,
  CandidateServerEvents,
  Record<string, never>,
  CandidateSocketData
>;

/** One candidate connection, as each feature's handlers receive it. */
export interface CandidateConnection {
  ctx: SiteContext;
  socket: CandidateSocket;
  log: Logger;
}

/** Registers a candidate handler, typed by the candidate contract. */
export const handleCandidate = handlerFor(candidateContract);

export const candidateRoom = (ticketNo: string, sittingId: string) => `cand:${ticketNo}:${sittingId}`;
export const roomSittingRoom = (roomId: string, sittingId: string) => `rs:${roomId}:${sittingId}`;
/** Every approved machine in a room, logged in or not. */
export const roomMachinesRoom = (roomId: string) => `machines:${roomId}`;
/** Every connection that proved holding this machine key: approvals and refusals reach it. */
export const machineKeyRoom = (fingerprint: string) => `key:${fingerprint}`;

export function requireMachine(socket: CandidateSocket): MachineInfo {
  const m = socket.data.machine;
  if (!m) {
    throw new ProtocolError(
      ERROR_CODES.MACHINE_NOT_APPROVED,
      'This machine has not been approved for a seat; ask the proctor.',
    );
  }
  return m;
}

export function requireSession(socket: CandidateSocket, sittingId: string) {
  const s = socket.data.session;
  if (!s && socket.data.replaced) {
    throw new ProtocolError(
      ERROR_CODES.SESSION_REPLACED,
      'This candidate logged in again elsewhere; this connection saves no more.',
    );
  }
  if (!s) throw new ProtocolError(ERROR_CODES.NOT_LOGGED_IN, 'Log in first.');
  if (s.sittingId !== sittingId) throw new ProtocolError(ERROR_CODES.FORBIDDEN, 'Not your sitting.');
  return s;
}
