import type { ActorRole } from './auditLog.js';

/**
 * Who asks for an action, as the audit chain records them. Its own module because every
 * service takes one: living beside its first user made services import each other in a circle.
 */
export interface Actor {
  role: ActorRole;
  id: string;
}

export const actorName = (a: Actor) => `${a.role}:${a.id}`;
