import { constants, privateDecrypt, publicEncrypt } from 'node:crypto';
import { CryptoError } from './errors.js';
import { loadPrivateKey, loadPublicKey } from './signatures.js';

/**
 * RSA-OAEP with SHA-256: wraps a symmetric key (e.g. a sitting key) for one recipient.
 * `key` is key material: never log it.
 */
export function wrapKey(key: Buffer, recipientPublicKeyOrCertPem: string): Buffer {
  return publicEncrypt(
    {
      key: loadPublicKey(recipientPublicKeyOrCertPem),
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha256',
    },
    key,
  );
}

/** The result is key material: never log it. */
export function unwrapKey(wrapped: Buffer, privateKeyPem: string): Buffer {
  const key = loadPrivateKey(privateKeyPem);
  try {
    return privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, wrapped);
  } catch (cause) {
    throw new CryptoError(
      'UNWRAP_FAILED',
      'The wrapped key could not be opened: it was made for another key or it was altered.',
      { cause },
    );
  }
}
