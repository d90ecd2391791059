import { randomBytes, scryptSync } from 'node:crypto';
import { aesGcmDecrypt, aesGcmEncrypt } from './aead.js';
import { CryptoError } from './errors.js';

/**
 * A key wrapped under a code a person types (issue 17: the standalone package's authorization
 * code): AES-256-GCM under scrypt(code, salt, N=2^15, r=8, p=1, 32 bytes). The parameters are
 * fixed here, never read from a file. About 0.1 s and 32 MiB per try: a stolen file costs a
 * guesser that much per guess, on top of the code's 60 bits.
 * `key` and `code` are key material: never log them.
 */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const CODE_WRAPPED_KEY_BYTES = IV_BYTES + KEY_BYTES + TAG_BYTES;

/** IV | ciphertext | tag. The AAD names the salt, so a wrap cannot be moved to another salt. */
export function wrapKeyWithCode(key: Buffer, code: string, salt: string): Buffer {
  const kek = deriveKek(code, salt);
  try {
    const sealed = aesGcmEncrypt(kek, key, aad(salt), randomBytes(IV_BYTES));
    return Buffer.concat([sealed.iv, sealed.ciphertext, sealed.tag]);
  } finally {
    kek.fill(0);
  }
}

/** The key, or UNWRAP_FAILED: for a well-formed wrap that means the code is wrong. */
export function unwrapKeyWithCode(wrapped: Buffer, code: string, salt: string): Buffer {
  if (wrapped.length !== CODE_WRAPPED_KEY_BYTES) {
    throw new CryptoError('UNWRAP_FAILED', `A code-wrapped key is ${CODE_WRAPPED_KEY_BYTES} bytes.`);
  }
  const kek = deriveKek(code, salt);
  try {
    return aesGcmDecrypt(
      kek,
      {
        iv: wrapped.subarray(0, IV_BYTES),
        ciphertext: wrapped.subarray(IV_BYTES, IV_BYTES + KEY_BYTES),
        tag: wrapped.subarray(IV_BYTES + KEY_BYTES),
      },
      aad(salt),
    );
  } catch (cause) {
    throw new CryptoError('UNWRAP_FAILED', 'The code does not open this key.', { cause });
  } finally {
    kek.fill(0);
  }
}

function deriveKek(code: string, salt: string): Buffer {
  return scryptSync(Buffer.from(code, 'utf8'), Buffer.from(salt, 'utf8'), KEY_BYTES, SCRYPT);
}

function aad(salt: string): Buffer {
  return Buffer.from(`exam-pkg/code-scrypt/v1\n${salt}`, 'utf8');
}
