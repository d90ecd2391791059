import {
  constants,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { CryptoError } from './errors.js';

// RSA-PSS with a salt as long as the SHA-256 digest: the modern RSA signature scheme,
// with a fixed salt length so every verifier agrees with every signer.
const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } as const;

/** `privateKeyPem` is key material: never log it. */
export function sign(data: Buffer | string, privateKeyPem: string): Buffer {
  return nodeSign('sha256', toBytes(data), { key: loadPrivateKey(privateKeyPem), ...PSS });
}

/**
 * True only for a valid signature. Accepts a public key or a certificate PEM; a key that
 * cannot be read throws, because that is a caller's mistake rather than a bad signature.
 */
export function verifySignature(
  data: Buffer | string,
  signature: Buffer,
  publicKeyOrCertPem: string,
): boolean {
  const key = loadPublicKey(publicKeyOrCertPem);
  try {
    return nodeVerify('sha256', toBytes(data), { key, ...PSS }, signature);
  } catch {
    return false;
  }
}

/** Accepts an SPKI public key PEM or an X.509 certificate PEM. */
export function loadPublicKey(publicKeyOrCertPem: string): KeyObject {
  try {
    return createPublicKey(publicKeyOrCertPem);
  } catch (cause) {
    throw new CryptoError('BAD_KEY', 'The public key or certificate could not be read.', { cause });
  }
}

export function loadPrivateKey(privateKeyPem: string): KeyObject {
  try {
    return createPrivateKey(privateKeyPem);
  } catch (cause) {
    // Do not attach the input: it is key material.
    throw new CryptoError('BAD_KEY', 'The private key could not be read.', { cause });
  }
}

function toBytes(data: Buffer | string): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}
