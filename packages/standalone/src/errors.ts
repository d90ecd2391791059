/**
 * What can be wrong with a standalone package or answer file. Callers switch on `code` (apps map
 * each to a zh-CN sentence); `message` is plain English for logs and tests.
 */
export const STANDALONE_ERROR_CODES = Object.freeze({
  /** Not a package, truncated, or its framing or manifest altered. */
  BAD_FILE: 'BAD_FILE',
  /** The signature does not cover these bytes: altered after signing. */
  BAD_SIGNATURE: 'BAD_SIGNATURE',
  /** Signed by a certificate that does not chain to the centre root, or not a site certificate. */
  UNTRUSTED_SIGNER: 'UNTRUSTED_SIGNER',
  /** Another kind of package (an answer file where a package was expected, or the reverse). */
  WRONG_KIND: 'WRONG_KIND',
  /** Made by or for another site. */
  WRONG_SITE: 'WRONG_SITE',
  /** Made for another test machine. */
  WRONG_MACHINE: 'WRONG_MACHINE',
  EXPIRED: 'EXPIRED',
  /** The authorization code does not open the package. */
  WRONG_CODE: 'WRONG_CODE',
  /** The answer file is not encrypted for this recipient. */
  NOT_FOR_RECIPIENT: 'NOT_FOR_RECIPIENT',
  /** The answer file is signed by another machine key than the package's target machine. */
  WRONG_MACHINE_KEY: 'WRONG_MACHINE_KEY',
  /** Opened and authentic, but its content does not match the schema or its own header. */
  BAD_CONTENT: 'BAD_CONTENT',
} as const);

export type StandaloneErrorCode = (typeof STANDALONE_ERROR_CODES)[keyof typeof STANDALONE_ERROR_CODES];

export class StandaloneError extends Error {
  override readonly name = 'StandaloneError';

  constructor(
    readonly code: StandaloneErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
