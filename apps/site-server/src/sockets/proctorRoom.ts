import type { ProctorClientEvents, ProctorServerEvents } from '@exam/protocol';
import type { Namespace, Socket } from 'socket.io';
import type { ProctorIdentity } from '../proctors/proctorAuth.js';

/**
 * The proctor namespace's types and room names, shared by its handlers and the room
 * broadcaster; a module of their own so neither imports the other.
 */
interface ProctorSocketData {
  /** Both set once the connection has signed in (`proctor:signIn`), never before. */
  roomId?: string;
  identity?: ProctorIdentity;
}

export type ProctorNamespace = Namespace<
  ProctorClientEvents,
  ProctorServerEvents,
  Record<string, never>,
  ProctorSocketData
>;

export type ProctorSocket = Socket<
  ProctorClientEvents,
  ProctorServerEvents,
  Record<string, never>,
  ProctorSocketData
>;

/** The socket.io room of one exam room's consoles. */
export const proctorRoom = (roomId: string) => `proctor:${roomId}`;
