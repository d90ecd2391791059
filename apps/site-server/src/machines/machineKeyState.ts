/**
 * What a candidate connection knows of the machine key it said hello with. Its own module:
 * the socket's data type and the machine service both need it.
 */
export interface MachineKeyState {
  publicKey: string;
  fingerprint: string;
  clientVersion: string;
  /** The open challenge, cleared once used: a challenge answers one proof only. */
  challenge: string | null;
  /** True once a signature over this connection's challenge verified. */
  proven: boolean;
}
