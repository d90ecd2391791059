import {
  ERROR_CODES,
  type ErrorCode,
  type Handshake,
  handshakeSchema,
  PROTOCOL_VERSION,
} from '@exam/protocol';

/** socket.io passes `data` of a middleware error to the client's connect_error. */
export class HandshakeError extends Error {
  readonly data: { code: ErrorCode };
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.data = { code };
  }
}

export function checkHandshake(auth: unknown): Handshake {
  const parsed = handshakeSchema.safeParse(auth);
  if (!parsed.success) throw new HandshakeError(ERROR_CODES.INVALID_MESSAGE, 'Malformed handshake.');
  if (parsed.data.protocolVersion !== PROTOCOL_VERSION) {
    throw new HandshakeError(
      ERROR_CODES.PROTOCOL_VERSION,
      `Protocol version ${parsed.data.protocolVersion} is not supported; this server speaks ${PROTOCOL_VERSION}.`,
    );
  }
  return parsed.data;
}
