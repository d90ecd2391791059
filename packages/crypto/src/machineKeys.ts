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

/**
 * Every Ed25519 SPKI DER is these 12 bytes (SEQUENCE, AlgorithmIdentifier id-Ed25519, BIT
 * STRING of 33) and the 32-byte key (RFC 8410 §4).
 */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_SPKI_BYTES = ED25519_SPKI_PREFIX.length + 32;

/**
 * Hex SHA-256 of the SPKI DER bytes; throws BAD_KEY unless it is an Ed25519 public key.
 * Checked by its fixed DER form rather than by building a key object: this runs for every
 * machine's `machine:hello` in the morning's login storm, and OpenSSL's key import cost the
 * site's main thread 0.3 ms a call there.
 */
export function machineFingerprint(publicKeyBase64: string): string {
  const der = Buffer.from(publicKeyBase64, 'base64');
  if (
    der.length !== ED25519_SPKI_BYTES ||
    !der.subarray(0, ED25519_SPKI_PREFIX.length).equals(ED25519_SPKI_PREFIX)
  ) {
    throw new CryptoError('BAD_KEY', 'A machine key must be an Ed25519 public key (SPKI DER).');
  }
  return sha256Hex(der);
}

/** A machine's private key read once, for a process that signs many proofs with it. */
export type MachineSigningKey = KeyObject;

/** Reads a stored machine key once (throws BAD_KEY unless it is an Ed25519 private key). */
export function loadMachineSigningKey(privateKeyPem: string): MachineSigningKey {
  return loadMachinePrivateKey(privateKeyPem);
}

/** base64 Ed25519 signature over the UTF-8 bytes of `text` (see machineProofText). */
export function signMachineProof(key: string | MachineSigningKey, text: string): string {
  const keyObject = typeof key === 'string' ? loadMachinePrivateKey(key) : key;
  return nodeSign(null, Buffer.from(text, 'utf8'), keyObject).toString('base64');
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
