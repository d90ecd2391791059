/**
 * Bumped on any incompatible change to an event, acknowledgement or package payload.
 * 2: every answer change carries `madeAt` (answer:save, answer:deliver, the replica, the package).
 * 3: issue 16: a proctor console signs in inside the connection (`proctor:challenge`,
 *    `proctor:signIn`), no longer in the handshake.
 */
export const PROTOCOL_VERSION = 3;
