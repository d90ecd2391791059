import { aesGcmDecrypt, aesGcmEncrypt, randomKey } from './aead.js';
import { canonicalJson } from './canonicalJson.js';
import { certificateFingerprint, type VerifiedCertificate, verifyCertificate } from './certificates.js';
import type { CertRole } from './certSubject.js';
import { CryptoError, PackageError } from './errors.js';
import { lf } from './forgePem.js';
import { decodeFrame, encodeFrame } from './framing.js';
import { sha256, sha256Hex } from './hash.js';
import {
  PACKAGE_FORMAT,
  PACKAGE_FORMAT_VERSION,
  type PackageKind,
  type PackageManifest,
  parseManifest,
} from './manifest.js';
import { sign, verifySignature } from './signatures.js';
import { unwrapKey, wrapKey } from './wrap.js';

/**
 * The one container for every package kind (ARCHITECTURE §4): a signed manifest plus an
 * AES-256-GCM payload whose key is wrapped for one recipient. The GCM AAD is the SHA-256
 * of the canonical manifest (see additionalData), so a payload cannot be moved under
 * another manifest, even one signed by a trusted signer.
 * `signerPrivateKeyPem` is key material: never log it.
 */
export function writePackage(opts: {
  kind: PackageKind;
  payload: Buffer;
  meta?: Record<string, unknown>;
  signerCertPem: string;
  signerChainPem?: string[];
  signerPrivateKeyPem: string;
  recipientCertPem: string;
  now?: Date;
}): Buffer {
  const key = randomKey();
  // The manifest records the IV, tag and ciphertext hash, which exist only after
  // encryption, so the AAD is the hash of the manifest with those three blanked; the
  // signature then covers all of it.
  const manifest: PackageManifest = {
    format: PACKAGE_FORMAT,
    formatVersion: PACKAGE_FORMAT_VERSION,
    kind: opts.kind,
    createdAt: (opts.now ?? new Date()).toISOString(),
    signerCertPem: normalizePem(opts.signerCertPem),
    signerChainPem: (opts.signerChainPem ?? []).map(normalizePem),
    recipientFingerprint: certificateFingerprint(opts.recipientCertPem),
    payload: {
      cipher: 'AES-256-GCM',
      length: opts.payload.length,
      sha256: '',
      iv: '',
      tag: '',
      wrappedKey: wrapKey(key, opts.recipientCertPem).toString('base64'),
    },
    meta: opts.meta ?? {},
  };
  const sealed = aesGcmEncrypt(key, opts.payload, additionalData(manifest));
  key.fill(0); // key material: only its wrapped form leaves this function
  manifest.payload.sha256 = sha256Hex(sealed.ciphertext);
  manifest.payload.iv = sealed.iv.toString('base64');
  manifest.payload.tag = sealed.tag.toString('base64');

  const manifestBytes = Buffer.from(canonicalJson(manifest), 'utf8');
  const signature = sign(manifestBytes, opts.signerPrivateKeyPem);
  // Refuse to write a package nobody could open: the key must match the certificate.
  if (!verifySignature(manifestBytes, signature, manifest.signerCertPem)) {
    throw new CryptoError(
      'KEY_MISMATCH',
      "The signer's private key does not belong to the signer's certificate.",
    );
  }
  parseManifest(manifestBytes); // the writer checks the schema the reader will apply
  return encodeFrame({ manifestBytes, signature, payload: sealed.ciphertext });
}

/** Framing and manifest only, for showing what a file is. Makes no trust decision. */
export function inspectPackage(bytes: Buffer): PackageManifest {
  return parseManifest(decodeFrame(bytes).manifestBytes);
}

export interface OpenedPackage {
  manifest: PackageManifest;
  payload: Buffer;
  signer: VerifiedCertificate;
}

/**
 * Verifies a package completely and only then decrypts it. Order: framing -> manifest
 * schema -> signer chain to the trusted root at `now` -> signer role -> signature ->
 * kind -> recipient -> ciphertext length and hash -> unwrap key -> decrypt. Nothing from
 * the payload is used before every check has passed. Anything wrong with the package is a
 * PackageError; a recipient certificate that cannot be read is the caller's CryptoError.
 * `recipientPrivateKeyPem` is key material: never log it.
 */
export function readPackage(
  bytes: Buffer,
  opts: {
    trustedRootPem: string;
    recipientPrivateKeyPem: string;
    recipientCertPem: string;
    expectedKind?: PackageKind;
    /** Omit only where any certificate under the root may sign this kind of package. */
    allowedSignerRoles?: CertRole[];
    now?: Date;
  },
): OpenedPackage {
  const frame = decodeFrame(bytes);
  const manifest = parseManifest(frame.manifestBytes);
  const signer = verifySigner(manifest, opts.trustedRootPem, opts.now ?? new Date());

  if (opts.allowedSignerRoles && !opts.allowedSignerRoles.includes(signer.subject.role)) {
    throw new PackageError(
      'SIGNER_ROLE_NOT_ALLOWED',
      `The package was signed by "${signer.subject.commonName}" with role ${signer.subject.role}, but only ${opts.allowedSignerRoles.join(' or ')} may sign it.`,
    );
  }
  if (!verifySignature(frame.manifestBytes, frame.signature, manifest.signerCertPem)) {
    throw new PackageError(
      'BAD_SIGNATURE',
      'The package signature is not valid: the package was altered after signing.',
    );
  }
  if (opts.expectedKind && manifest.kind !== opts.expectedKind) {
    throw new PackageError(
      'WRONG_KIND',
      `This is ${article(manifest.kind)} ${manifest.kind} package, but ${article(opts.expectedKind)} ${opts.expectedKind} package was expected.`,
    );
  }
  if (manifest.recipientFingerprint !== recipientFingerprint(opts.recipientCertPem)) {
    throw new PackageError(
      'NOT_FOR_THIS_RECIPIENT',
      'The package was made for another recipient and cannot be opened with this key. Check that it is the package for this site.',
    );
  }
  checkCiphertext(frame.payload, manifest);
  return { manifest, payload: decrypt(frame.payload, manifest, opts.recipientPrivateKeyPem), signer };
}

function verifySigner(manifest: PackageManifest, trustedRootPem: string, now: Date): VerifiedCertificate {
  try {
    return verifyCertificate(manifest.signerCertPem, {
      trustedRootPem,
      intermediatesPem: manifest.signerChainPem,
      at: now,
    });
  } catch (e) {
    if (!(e instanceof CryptoError)) throw e;
    throw new PackageError('UNTRUSTED_SIGNER', `The package signer is not trusted. ${e.message}`, {
      cause: e,
    });
  }
}

function recipientFingerprint(recipientCertPem: string): string {
  // The recipient certificate is the reader's own; if it cannot be read that is a setup
  // problem, reported as such (CryptoError), not blamed on the package.
  return certificateFingerprint(recipientCertPem);
}

function checkCiphertext(ciphertext: Buffer, manifest: PackageManifest): void {
  const expected = manifest.payload.length;
  if (ciphertext.length < expected) {
    throw new PackageError(
      'TRUNCATED',
      `The package is truncated: expected ${expected} payload bytes, found ${ciphertext.length}. Copy the file again from its source.`,
    );
  }
  if (ciphertext.length > expected) {
    throw new PackageError(
      'PAYLOAD_CORRUPT',
      `The package has ${ciphertext.length - expected} unexpected bytes after its ${expected} payload bytes.`,
    );
  }
  if (sha256Hex(ciphertext) !== manifest.payload.sha256) {
    throw new PackageError(
      'PAYLOAD_CORRUPT',
      'The package content is corrupt: its checksum does not match the signed manifest.',
    );
  }
}

function decrypt(ciphertext: Buffer, manifest: PackageManifest, privateKeyPem: string): Buffer {
  let key: Buffer;
  try {
    key = unwrapKey(Buffer.from(manifest.payload.wrappedKey, 'base64'), privateKeyPem);
  } catch (cause) {
    throw new PackageError(
      'DECRYPT_FAILED',
      "The package key could not be opened with this recipient's private key. Check that the right key file is loaded.",
      { cause },
    );
  }
  try {
    const { iv, tag } = manifest.payload;
    const sealed = { iv: Buffer.from(iv, 'base64'), ciphertext, tag: Buffer.from(tag, 'base64') };
    return aesGcmDecrypt(key, sealed, additionalData(manifest));
  } catch (cause) {
    throw new PackageError('DECRYPT_FAILED', 'The package content could not be decrypted: it was altered.', {
      cause,
    });
  } finally {
    key.fill(0); // key material: wipe it once used, never log it
  }
}

/** SHA-256 of the canonical manifest with the fields that only exist after encryption blanked. */
function additionalData(manifest: PackageManifest): Buffer {
  return sha256(
    canonicalJson({ ...manifest, payload: { ...manifest.payload, sha256: '', iv: '', tag: '' } }),
  );
}

function normalizePem(pem: string): string {
  return `${lf(pem).trim()}\n`;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}
