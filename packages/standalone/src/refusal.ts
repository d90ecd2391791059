import { PackageError, type PackageErrorCode } from '@exam/crypto';
import { StandaloneError, type StandaloneErrorCode } from './errors.js';

/** How a container refusal reads to someone holding a standalone file. */
const FROM_PACKAGE_ERROR: Record<PackageErrorCode, StandaloneErrorCode> = {
  TRUNCATED: 'BAD_FILE',
  BAD_MAGIC: 'BAD_FILE',
  UNSUPPORTED_VERSION: 'BAD_FILE',
  MALFORMED_MANIFEST: 'BAD_FILE',
  PAYLOAD_CORRUPT: 'BAD_FILE',
  // The signature held, so only a signer's mistake or the wrong private key gets here.
  DECRYPT_FAILED: 'BAD_FILE',
  BAD_SIGNATURE: 'BAD_SIGNATURE',
  UNTRUSTED_SIGNER: 'UNTRUSTED_SIGNER',
  SIGNER_ROLE_NOT_ALLOWED: 'UNTRUSTED_SIGNER',
  WRONG_KIND: 'WRONG_KIND',
  NOT_FOR_THIS_RECIPIENT: 'NOT_FOR_RECIPIENT',
  WRONG_CODE: 'WRONG_CODE',
  WRONG_SIGNER_KEY: 'WRONG_MACHINE_KEY',
};

/** Runs a container step; its refusals come out as StandaloneErrors, anything else unchanged. */
export function asStandalone<T>(step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof PackageError) {
      throw new StandaloneError(FROM_PACKAGE_ERROR[e.code], e.message, { cause: e });
    }
    throw e;
  }
}

/** The part of a zod error worth quoting (zod is protocol's dependency, not ours). */
interface SchemaError {
  issues: { path: PropertyKey[]; message: string }[];
}

/** Authentic bytes that are not what the format says: a signer's bug, never shown as a forgery. */
export function badContent(what: string, error?: SchemaError): never {
  const detail = error?.issues[0]
    ? ` (${error.issues[0].path.map(String).join('.') || 'root'}: ${error.issues[0].message})`
    : '';
  throw new StandaloneError('BAD_CONTENT', `The ${what} content is not valid${detail}.`);
}

export function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return badContent(what);
  }
}
