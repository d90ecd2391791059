import { z } from 'zod';
import { signInProofSchema } from './proctorActions.js';

/** Socket.io namespaces: one per role family, so a socket's role is fixed at connect. */
export const NAMESPACES = Object.freeze({ candidate: '/candidate', proctor: '/proctor' } as const);

/** What every connection presents in its handshake; the version is checked first. */
export const handshakeSchema = z.strictObject({
  protocolVersion: z.number().int(),
  /** Proctor consoles only: the room, and a proctor key's signed sign-in statement. */
  roomId: z.string().min(1).max(64).optional(),
  proof: signInProofSchema.optional(),
});
export type Handshake = z.infer<typeof handshakeSchema>;
