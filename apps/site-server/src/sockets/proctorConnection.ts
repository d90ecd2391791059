import { proctorContract } from '@exam/protocol';
import type { Logger } from 'pino';
import type { ApprovalGate } from '../approvals/approvals.js';
import type { Actor } from '../audit/actor.js';
import type { RoomBroadcaster } from '../rooms/roomBroadcaster.js';
import type { SiteContext } from '../site/context.js';
import { handlerFor } from './handler.js';
import type { ProctorSocket } from './proctorRoom.js';

/**
 * One authenticated console connection, as each feature's handlers receive it. The room
 * comes from the authenticated socket, never from a message.
 */
export interface ProctorConnection {
  ctx: SiteContext;
  socket: ProctorSocket;
  log: Logger;
  roomId: string;
  actor: Actor;
  gate: ApprovalGate;
  broadcaster: RoomBroadcaster;
}

/** Registers a proctor handler, typed by the proctor contract. */
export const handleProctor = handlerFor(proctorContract);
