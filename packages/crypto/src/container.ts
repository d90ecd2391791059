import { aesGcmDecrypt, aesGcmEncrypt, randomKey } from './aead.js';
import { canonicalJson } from './canonicalJson.js';
import { certificateFingerprint, type VerifiedCertificate, verifyCertificate } from './certificates.js';
import type { CertRole } from './certSubject.js';
import { unwrapKeyWithCode, wrapKeyWithCode } from './codeWrap.js';
import { CryptoError, PackageError } from './errors.js';
import { lf } from './forgePem.js';
import { decodeFrame, encodeFrame } from './framing.js';
import { sha256, sha256Hex } from './hash.js';
import {
  machineFingerprint,
  machinePublicKeyOf,
  signMachineProof,
  verifyMachineProof,
} from './machineKeys.js';
import {
  type AnyPackageManifest,
  type KeyWrap,
  PACKAGE_FORMAT,
  PACKAGE_FORMAT_VERSION,
  PACKAGE_FORMAT_VERSION_2,
  type PackageKind,
  type PackageManifest,
  type PackageManifestV2,
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
export function inspectPackage(bytes: Buffer): AnyPackageManifest {
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
  if (manifest.formatVersion !== PACKAGE_FORMAT_VERSION) {
    throw new PackageError(
      'UNSUPPORTED_VERSION',
      `The package uses format version ${manifest.formatVersion}, which is opened only where a standalone package or answer file is expected.`,
    );
  }
  const signer = verifySigner(
    manifest.signerCertPem,
    manifest.signerChainPem,
    opts.trustedRootPem,
    opts.now ?? new Date(),
  );

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

/** Who signs a version 2 package. Private keys are key material: never log them. */
export type PackageSignerKey =
  | { kind: 'certificate'; certPem: string; chainPem?: string[]; privateKeyPem: string }
  /** A test machine's Ed25519 key (machineKeys.ts): no certificate, the reader knows the key. */
  | { kind: 'machine'; privateKeyPem: string };

/** Whom a version 2 package is for. A code is key material: never log it. */
export type PackageRecipient =
  | { kind: 'certificate'; certPem: string }
  /** A code a person types; `salt` is an identifier of this package (its packageId). */
  | { kind: 'code'; code: string; salt: string };

/**
 * Version 2 of the container (issue 17), for what version 1 cannot say: a package opened with
 * a code instead of a recipient key, and a file signed by a machine key and encrypted for
 * several recipients. Same framing, same canonical signed manifest, same AAD binding of the
 * payload to its manifest; one payload key, wrapped once per recipient.
 */
export function writePackageV2(opts: {
  kind: PackageKind;
  payload: Buffer;
  meta?: Record<string, unknown>;
  signer: PackageSignerKey;
  recipients: PackageRecipient[];
  now?: Date;
}): Buffer {
  if (opts.recipients.length === 0) throw new RangeError('A package needs at least one recipient.');
  const key = randomKey();
  let manifest: PackageManifestV2;
  let sealed: ReturnType<typeof aesGcmEncrypt>;
  try {
    manifest = {
      format: PACKAGE_FORMAT,
      formatVersion: PACKAGE_FORMAT_VERSION_2,
      kind: opts.kind,
      createdAt: (opts.now ?? new Date()).toISOString(),
      signer:
        opts.signer.kind === 'certificate'
          ? {
              kind: 'certificate',
              certPem: normalizePem(opts.signer.certPem),
              chainPem: (opts.signer.chainPem ?? []).map(normalizePem),
            }
          : { kind: 'machine', publicKey: machinePublicKeyOf(opts.signer.privateKeyPem) },
      keyWraps: opts.recipients.map((r) => wrapFor(key, r)),
      payload: { cipher: 'AES-256-GCM', length: opts.payload.length, sha256: '', iv: '', tag: '' },
      meta: opts.meta ?? {},
    };
    sealed = aesGcmEncrypt(key, opts.payload, additionalData(manifest));
  } finally {
    key.fill(0); // key material: only its wrapped forms leave this function
  }
  manifest.payload.sha256 = sha256Hex(sealed.ciphertext);
  manifest.payload.iv = sealed.iv.toString('base64');
  manifest.payload.tag = sealed.tag.toString('base64');

  const manifestBytes = Buffer.from(canonicalJson(manifest), 'utf8');
  const signature = signManifest(manifestBytes, opts.signer);
  if (!manifestSignatureValid(manifestBytes, signature, manifest)) {
    throw new CryptoError(
      'KEY_MISMATCH',
      "The signer's private key does not belong to the signer's certificate.",
    );
  }
  parseManifest(manifestBytes); // the writer checks the schema the reader will apply
  return encodeFrame({ manifestBytes, signature, payload: sealed.ciphertext });
}

export type PackageSigner =
  | { kind: 'certificate'; certificate: VerifiedCertificate }
  | { kind: 'machine'; publicKey: string; fingerprint: string };

/** A version 2 package whose signature, signer and ciphertext have been checked; not yet decrypted. */
export interface VerifiedPackageV2 {
  manifest: PackageManifestV2;
  signer: PackageSigner;
  ciphertext: Buffer;
}

/**
 * Everything but the key: framing -> manifest schema -> kind -> signer (a certificate chained
 * to the trusted root at `now` with an allowed role, or a machine key, the expected one when
 * given) -> signature -> ciphertext length and hash. The reader says which kind of signer it
 * takes, so a machine key never stands in where a certificate is required.
 */
export function verifyPackageV2(
  bytes: Buffer,
  opts: {
    expectedKind: PackageKind;
    now?: Date;
  } & (
    | { signer: 'certificate'; trustedRootPem: string; allowedSignerRoles: CertRole[] }
    /** base64 SPKI DER; omit only where the caller checks the returned key itself. */
    | { signer: 'machine'; expectedMachinePublicKey?: string }
  ),
): VerifiedPackageV2 {
  const frame = decodeFrame(bytes);
  const manifest = parseManifest(frame.manifestBytes);
  if (manifest.formatVersion !== PACKAGE_FORMAT_VERSION_2) {
    throw new PackageError(
      'UNSUPPORTED_VERSION',
      `The package uses format version ${manifest.formatVersion}, but a version ${PACKAGE_FORMAT_VERSION_2} package was expected.`,
    );
  }
  // Before the signer: a proctor who picked an answer file instead of a package (or the
  // reverse) is told so; either way the file is refused.
  if (manifest.kind !== opts.expectedKind) {
    throw new PackageError(
      'WRONG_KIND',
      `This is ${article(manifest.kind)} ${manifest.kind} package, but ${article(opts.expectedKind)} ${opts.expectedKind} package was expected.`,
    );
  }
  let signer: PackageSigner;
  if (opts.signer === 'certificate') {
    if (manifest.signer.kind !== 'certificate') {
      throw new PackageError(
        'UNTRUSTED_SIGNER',
        'The package is signed by a machine key, not by a certificate.',
      );
    }
    const certificate = verifySigner(
      manifest.signer.certPem,
      manifest.signer.chainPem,
      opts.trustedRootPem,
      opts.now ?? new Date(),
    );
    if (!opts.allowedSignerRoles.includes(certificate.subject.role)) {
      throw new PackageError(
        'SIGNER_ROLE_NOT_ALLOWED',
        `The package was signed by "${certificate.subject.commonName}" with role ${certificate.subject.role}, but only ${opts.allowedSignerRoles.join(' or ')} may sign it.`,
      );
    }
    signer = { kind: 'certificate', certificate };
  } else {
    if (manifest.signer.kind !== 'machine') {
      throw new PackageError(
        'UNTRUSTED_SIGNER',
        'The package is signed by a certificate, not by a machine key.',
      );
    }
    const publicKey = manifest.signer.publicKey;
    let fingerprint: string;
    try {
      fingerprint = machineFingerprint(publicKey);
    } catch (cause) {
      throw new PackageError(
        'MALFORMED_MANIFEST',
        'The package manifest cannot be read: its machine key is not an Ed25519 key.',
        { cause },
      );
    }
    if (opts.expectedMachinePublicKey !== undefined && publicKey !== opts.expectedMachinePublicKey) {
      throw new PackageError(
        'WRONG_SIGNER_KEY',
        `The package is signed by the machine key ${fingerprint.slice(0, 16)}…, not by the machine it was made for.`,
      );
    }
    signer = { kind: 'machine', publicKey, fingerprint };
  }
  if (!manifestSignatureValid(frame.manifestBytes, frame.signature, manifest)) {
    throw new PackageError(
      'BAD_SIGNATURE',
      'The package signature is not valid: the package was altered after signing.',
    );
  }
  checkCiphertext(frame.payload, manifest);
  return { manifest, signer, ciphertext: frame.payload };
}

/**
 * Opens a verified version 2 package with one of its recipients' keys. Nothing is decrypted
 * unless the key opens the wrap: a wrong code is WRONG_CODE, a certificate the package was
 * not made for is NOT_FOR_THIS_RECIPIENT.
 */
export function decryptPackageV2(
  verified: VerifiedPackageV2,
  key: { kind: 'certificate'; certPem: string; privateKeyPem: string } | { kind: 'code'; code: string },
): Buffer {
  const { manifest, ciphertext } = verified;
  let payloadKey: Buffer;
  if (key.kind === 'certificate') {
    const fingerprint = recipientFingerprint(key.certPem);
    const wrap = manifest.keyWraps.find(
      (w): w is Extract<KeyWrap, { kind: 'rsa-oaep' }> =>
        w.kind === 'rsa-oaep' && w.recipientFingerprint === fingerprint,
    );
    if (!wrap) {
      throw new PackageError(
        'NOT_FOR_THIS_RECIPIENT',
        'The package was made for other recipients and cannot be opened with this key.',
      );
    }
    payloadKey = rsaUnwrap(wrap.wrappedKey, key.privateKeyPem);
  } else {
    const wrap = manifest.keyWraps.find(
      (w): w is Extract<KeyWrap, { kind: 'code-scrypt' }> => w.kind === 'code-scrypt',
    );
    if (!wrap) {
      throw new PackageError('NOT_FOR_THIS_RECIPIENT', 'The package cannot be opened with a code.');
    }
    try {
      payloadKey = unwrapKeyWithCode(Buffer.from(wrap.wrappedKey, 'base64'), key.code, wrap.salt);
    } catch (cause) {
      // The wrap is signed with the manifest, so it is intact: only the code can be wrong.
      throw new PackageError('WRONG_CODE', 'The code does not open this package.', { cause });
    }
  }
  return decryptWith(payloadKey, ciphertext, manifest);
}

function wrapFor(key: Buffer, recipient: PackageRecipient): KeyWrap {
  if (recipient.kind === 'certificate') {
    return {
      kind: 'rsa-oaep',
      recipientFingerprint: certificateFingerprint(recipient.certPem),
      wrappedKey: wrapKey(key, recipient.certPem).toString('base64'),
    };
  }
  return {
    kind: 'code-scrypt',
    salt: recipient.salt,
    wrappedKey: wrapKeyWithCode(key, recipient.code, recipient.salt).toString('base64'),
  };
}

/** RSA-PSS for a certificate signer, Ed25519 for a machine; both over the manifest bytes. */
function signManifest(manifestBytes: Buffer, signer: PackageSignerKey): Buffer {
  if (signer.kind === 'certificate') return sign(manifestBytes, signer.privateKeyPem);
  // The manifest is canonical UTF-8 JSON, so its text is exactly these bytes.
  return Buffer.from(signMachineProof(signer.privateKeyPem, manifestBytes.toString('utf8')), 'base64');
}

function manifestSignatureValid(
  manifestBytes: Buffer,
  signature: Buffer,
  manifest: PackageManifestV2,
): boolean {
  if (manifest.signer.kind === 'certificate') {
    return verifySignature(manifestBytes, signature, manifest.signer.certPem);
  }
  return verifyMachineProof(
    manifest.signer.publicKey,
    manifestBytes.toString('utf8'),
    signature.toString('base64'),
  );
}

function verifySigner(
  certPem: string,
  chainPem: string[],
  trustedRootPem: string,
  now: Date,
): VerifiedCertificate {
  try {
    return verifyCertificate(certPem, {
      trustedRootPem,
      intermediatesPem: chainPem,
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

function checkCiphertext(ciphertext: Buffer, manifest: AnyPackageManifest): void {
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
  return decryptWith(rsaUnwrap(manifest.payload.wrappedKey, privateKeyPem), ciphertext, manifest);
}

function rsaUnwrap(wrappedKey: string, privateKeyPem: string): Buffer {
  try {
    return unwrapKey(Buffer.from(wrappedKey, 'base64'), privateKeyPem);
  } catch (cause) {
    throw new PackageError(
      'DECRYPT_FAILED',
      "The package key could not be opened with this recipient's private key. Check that the right key file is loaded.",
      { cause },
    );
  }
}

function decryptWith(key: Buffer, ciphertext: Buffer, manifest: AnyPackageManifest): Buffer {
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
function additionalData(manifest: AnyPackageManifest): Buffer {
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
