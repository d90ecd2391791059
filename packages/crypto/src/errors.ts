/**
 * Stable error codes: callers switch on `code`, people read `message`. Frozen `as const`
 * objects rather than enums so the codes are plain strings in logs and on the wire.
 */
export const CRYPTO_ERROR_CODES = Object.freeze({
  BAD_KEY: 'BAD_KEY',
  KEY_MISMATCH: 'KEY_MISMATCH',
  DECRYPT_FAILED: 'DECRYPT_FAILED',
  MALFORMED_SEALED: 'MALFORMED_SEALED',
  UNWRAP_FAILED: 'UNWRAP_FAILED',
  NOT_CANONICAL: 'NOT_CANONICAL',
  MALFORMED_CERTIFICATE: 'MALFORMED_CERTIFICATE',
  INVALID_SUBJECT: 'INVALID_SUBJECT',
  INVALID_VALIDITY: 'INVALID_VALIDITY',
  NOT_A_CA: 'NOT_A_CA',
  UNTRUSTED_CERTIFICATE: 'UNTRUSTED_CERTIFICATE',
  CERTIFICATE_EXPIRED: 'CERTIFICATE_EXPIRED',
  CERTIFICATE_NOT_YET_VALID: 'CERTIFICATE_NOT_YET_VALID',
  MALFORMED_PKCS12: 'MALFORMED_PKCS12',
  BAD_PIN: 'BAD_PIN',
} as const);

export type CryptoErrorCode = (typeof CRYPTO_ERROR_CODES)[keyof typeof CRYPTO_ERROR_CODES];

/** A failed cryptographic operation. Messages never contain key material. */
export class CryptoError extends Error {
  override readonly name = 'CryptoError';

  constructor(
    readonly code: CryptoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const PACKAGE_ERROR_CODES = Object.freeze({
  TRUNCATED: 'TRUNCATED',
  BAD_MAGIC: 'BAD_MAGIC',
  UNSUPPORTED_VERSION: 'UNSUPPORTED_VERSION',
  MALFORMED_MANIFEST: 'MALFORMED_MANIFEST',
  UNTRUSTED_SIGNER: 'UNTRUSTED_SIGNER',
  SIGNER_ROLE_NOT_ALLOWED: 'SIGNER_ROLE_NOT_ALLOWED',
  BAD_SIGNATURE: 'BAD_SIGNATURE',
  WRONG_KIND: 'WRONG_KIND',
  NOT_FOR_THIS_RECIPIENT: 'NOT_FOR_THIS_RECIPIENT',
  PAYLOAD_CORRUPT: 'PAYLOAD_CORRUPT',
  DECRYPT_FAILED: 'DECRYPT_FAILED',
  /** Version 2: the code does not open the package key. */
  WRONG_CODE: 'WRONG_CODE',
  /** Version 2: signed by a machine key other than the one the reader expects. */
  WRONG_SIGNER_KEY: 'WRONG_SIGNER_KEY',
} as const);

export type PackageErrorCode = (typeof PACKAGE_ERROR_CODES)[keyof typeof PACKAGE_ERROR_CODES];

/** A package that must not be used; the message is written for a site admin. */
export class PackageError extends Error {
  override readonly name = 'PackageError';

  constructor(
    readonly code: PackageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
