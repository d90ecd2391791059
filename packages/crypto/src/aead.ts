import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CryptoError } from './errors.js';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A fresh AES-256 key. Key material: keep it in memory and never log it. */
export function randomKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

export interface Sealed {
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/**
 * AES-256-GCM. `iv` exists only for known-answer tests: reusing an IV with the same key
 * breaks GCM completely, so production callers let it be random.
 */
export function aesGcmEncrypt(key: Buffer, plaintext: Buffer, aad?: Buffer, iv?: Buffer): Sealed {
  checkKey(key);
  const nonce = iv ?? randomBytes(IV_BYTES);
  if (nonce.length !== IV_BYTES) {
    throw new CryptoError('BAD_KEY', `The AES-GCM IV must be ${IV_BYTES} bytes, not ${nonce.length}.`);
  }
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  if (aad) cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv: nonce, ciphertext, tag: cipher.getAuthTag() };
}

/** Returns the plaintext only if the tag authenticates ciphertext and AAD. */
export function aesGcmDecrypt(key: Buffer, sealed: Sealed, aad?: Buffer): Buffer {
  checkKey(key);
  // A fixed tag length matters: Node would otherwise accept a truncated tag, which is
  // far easier to forge.
  if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== TAG_BYTES) {
    throw new CryptoError(
      'DECRYPT_FAILED',
      'The encrypted data could not be decrypted: its IV or tag has the wrong size.',
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(sealed.tag);
    if (aad) decipher.setAAD(aad);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch (cause) {
    throw new CryptoError(
      'DECRYPT_FAILED',
      'The encrypted data could not be decrypted: the key is wrong or the data was altered.',
      { cause },
    );
  }
}

const SEALED_PREFIX = 'v1';
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** 'v1.' + base64url(iv) + '.' + base64url(ciphertext) + '.' + base64url(tag). */
export function sealToString(key: Buffer, plaintext: Buffer, aad?: Buffer): string {
  const { iv, ciphertext, tag } = aesGcmEncrypt(key, plaintext, aad);
  return `${SEALED_PREFIX}.${iv.toString('base64url')}.${ciphertext.toString('base64url')}.${tag.toString('base64url')}`;
}

export function openFromString(key: Buffer, sealed: string, aad?: Buffer): Buffer {
  return aesGcmDecrypt(key, parseSealed(sealed), aad);
}

function parseSealed(sealed: string): Sealed {
  const parts = typeof sealed === 'string' ? sealed.split('.') : [];
  const [version, iv, ciphertext, tag] = parts;
  if (
    parts.length !== 4 ||
    version === undefined ||
    iv === undefined ||
    ciphertext === undefined ||
    tag === undefined
  ) {
    throw new CryptoError(
      'MALFORMED_SEALED',
      'The sealed text is not in the form v1.<iv>.<ciphertext>.<tag>.',
    );
  }
  if (version !== SEALED_PREFIX) {
    throw new CryptoError(
      'MALFORMED_SEALED',
      `The sealed text has version "${version.slice(0, 8)}"; only v1 is supported.`,
    );
  }
  if (![iv, ciphertext, tag].every((part) => BASE64URL.test(part))) {
    throw new CryptoError('MALFORMED_SEALED', 'The sealed text contains characters that are not base64url.');
  }
  return {
    iv: Buffer.from(iv, 'base64url'),
    ciphertext: Buffer.from(ciphertext, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
  };
}

function checkKey(key: Buffer): void {
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) {
    throw new CryptoError('BAD_KEY', `An AES-256 key must be ${KEY_BYTES} bytes.`);
  }
}
