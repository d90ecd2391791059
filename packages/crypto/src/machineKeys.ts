import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { CryptoError } from './errors.js';
import { sha256Hex } from './hash.js';

/**
 * A test machine's own key (issue 16): Ed25519, made once at the machine check, the private
 * half never leaves the machine. Its fingerprint (hex SHA-256 of the SPKI DER public key) is
 * the machine's identity at the site.
 */
export interface MachineKeyPair {
  /** base64 of the SPKI DER public key: what `machine:hello` sends. */
  publicKey: string;
  /** PKCS#8 PEM. Key material: never log it, store it with mode 0600. */
  privateKeyPem: string;
}

export function generateMachineKeyPair(): MachineKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** The public key (base64 SPKI DER) a stored private key belongs to. */
export function machinePublicKeyOf(privateKeyPem: string): string {
  return createPublicKey(loadMachinePrivateKey(privateKeyPem))
    .export({ type: 'spki', format: 'der' })
    .toString('base64');
}

/** Hex SHA-256 of the SPKI DER bytes; throws BAD_KEY unless it is an Ed25519 public key. */
export function machineFingerprint(publicKeyBase64: string): string {
  const der = Buffer.from(publicKeyBase64, 'base64');
  readEd25519PublicKey(der);
  return sha256Hex(der);
}

/** base64 Ed25519 signature over the UTF-8 bytes of `text` (see machineProofText). */
export function signMachineProof(privateKeyPem: string, text: string): string {
  return nodeSign(null, Buffer.from(text, 'utf8'), loadMachinePrivateKey(privateKeyPem)).toString('base64');
}

/** True only for a valid Ed25519 signature by that key; a malformed key or signature is false. */
export function verifyMachineProof(publicKeyBase64: string, text: string, signatureBase64: string): boolean {
  try {
    const key = readEd25519PublicKey(Buffer.from(publicKeyBase64, 'base64'));
    const signature = Buffer.from(signatureBase64, 'base64');
    if (signature.length !== 64) return false;
    return nodeVerify(null, Buffer.from(text, 'utf8'), key, signature);
  } catch {
    return false;
  }
}

function readEd25519PublicKey(der: Buffer): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch (cause) {
    throw new CryptoError('BAD_KEY', 'The machine public key could not be read.', { cause });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new CryptoError('BAD_KEY', 'A machine key must be an Ed25519 key.');
  }
  return key;
}

function loadMachinePrivateKey(privateKeyPem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch (cause) {
    // Do not attach the input: it is key material.
    throw new CryptoError('BAD_KEY', 'The machine private key could not be read.', { cause });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new CryptoError('BAD_KEY', 'A machine key must be an Ed25519 key.');
  }
  return key;
}
