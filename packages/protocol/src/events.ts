import { z } from 'zod';

/** Socket.io namespaces: one per role family, so a socket's role is fixed at connect. */
export const NAMESPACES = Object.freeze({ candidate: '/candidate', proctor: '/proctor' } as const);

/** What every connection presents in its handshake; the version is checked first. */
export const handshakeSchema = z.strictObject({
  protocolVersion: z.number().int(),
});
// A proctor console signs in inside the connection (`proctor:challenge`, `proctor:signIn`),
// not in the handshake: its statement names the connection's TLS binding, which only exists
// once the connection does.
export type Handshake = z.infer<typeof handshakeSchema>;
