/** Bumped on any incompatible change to an event, acknowledgement or package payload. */
export const PROTOCOL_VERSION = 1;
