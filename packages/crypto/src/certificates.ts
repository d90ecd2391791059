import { createPublicKey, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import {
  type CertRole,
  type CertSubject,
  commonNameOrUnnamed,
  reencodableAttributes,
  subjectFromCertificate,
  subjectToAttributes,
} from './certSubject.js';
import { CryptoError } from './errors.js';
import {
  certificateDer,
  certificateToPem,
  forgePrivateKey,
  forgePublicKey,
  keyMatchesCertificate,
  parseCertificate,
} from './forgePem.js';
import { sha256Hex } from './hash.js';
import type { KeyPair } from './keys.js';

// node-forge does X.509 here because Node has no API to create certificates
// (ARCHITECTURE §10). Hashing and fingerprints stay on Node's crypto.

const DAY_MS = 86_400_000;
/** Root -> at most a few intermediates -> leaf; anything longer is a mistake or an attack. */
const MAX_INTERMEDIATES = 4;

export type { CertRole, CertSubject };

/** A self-signed CA certificate with role 'centre': the trust anchor of an exam. */
export function createRootCertificate(opts: {
  commonName: string;
  keyPair: KeyPair;
  validFrom?: Date;
  validDays: number;
}): string {
  const key = forgePrivateKey(opts.keyPair.privateKeyPem);
  const cert = newCertificate(opts.keyPair.publicKeyPem, opts.validFrom, opts.validDays);
  if (!keyMatchesCertificate(key, cert)) {
    throw new CryptoError(
      'KEY_MISMATCH',
      'The root key pair is inconsistent: its public key does not belong to its private key.',
    );
  }
  const attrs = subjectToAttributes({ commonName: opts.commonName, role: 'centre' });
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    // keyEncipherment too: the centre root receives answer packages, whose keys are
    // RSA-OAEP-wrapped for it.
    {
      name: 'keyUsage',
      keyCertSign: true,
      cRLSign: true,
      digitalSignature: true,
      keyEncipherment: true,
      critical: true,
    },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return certificateToPem(cert);
}

/**
 * Issues a certificate for `publicKeyPem`, signed by the issuer. A leaf certificate may
 * sign (packages, audit exports) and receive wrapped keys; a CA one may also issue.
 * `issuerPrivateKeyPem` is key material: never log it.
 */
export function issueCertificate(opts: {
  issuerCertPem: string;
  issuerPrivateKeyPem: string;
  subject: CertSubject;
  publicKeyPem: string;
  validFrom?: Date;
  validDays: number;
  isCa?: boolean;
  /** A TLS server certificate for this DNS name: extKeyUsage serverAuth and the name as its SAN. */
  tlsServerName?: string;
}): string {
  const issuer = parseCertificate(opts.issuerCertPem, 'issuer certificate');
  const issuerKey = forgePrivateKey(opts.issuerPrivateKeyPem);
  if (!keyMatchesCertificate(issuerKey, issuer)) {
    throw new CryptoError(
      'KEY_MISMATCH',
      'The issuer private key does not belong to the issuer certificate.',
    );
  }
  const constraints = issuer.getExtension('basicConstraints') as { cA?: boolean } | null;
  if (!constraints?.cA) {
    throw new CryptoError(
      'NOT_A_CA',
      'The issuer certificate is not a certificate authority and cannot issue.',
    );
  }
  const cert = newCertificate(opts.publicKeyPem, opts.validFrom, opts.validDays);
  cert.setSubject(subjectToAttributes(opts.subject));
  cert.setIssuer(reencodableAttributes(issuer));
  const isCa = opts.isCa === true;
  cert.setExtensions([
    { name: 'basicConstraints', cA: isCa, critical: true },
    isCa
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }
      : // keyEncipherment: recipients of packages receive RSA-OAEP-wrapped keys.
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: issuer.generateSubjectKeyIdentifier().getBytes() },
    ...(opts.tlsServerName === undefined ? [] : tlsServerExtensions(opts.tlsServerName, isCa)),
  ]);
  cert.sign(issuerKey, forge.md.sha256.create());
  return certificateToPem(cert);
}

/** serverAuth only (not clientAuth, not codeSigning), and the one DNS name clients check. */
function tlsServerExtensions(dnsName: string, isCa: boolean): object[] {
  if (isCa || !/^[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+$/.test(dnsName)) {
    throw new CryptoError(
      'INVALID_SUBJECT',
      'A TLS server certificate is a leaf certificate for one lowercase DNS name.',
    );
  }
  return [
    { name: 'extKeyUsage', serverAuth: true },
    // 2 is a dNSName GeneralName (RFC 5280 §4.2.1.6).
    { name: 'subjectAltName', altNames: [{ type: 2, value: dnsName }] },
  ];
}

export interface VerifiedCertificate {
  subject: CertSubject;
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
  publicKeyPem: string;
}

/**
 * Verifies that `certPem` chains to `trustedRootPem` (through `intermediatesPem`, in any
 * order) and that every certificate on the path is valid at `at`. The root itself is an
 * acceptable `certPem` (the centre signs with its root key).
 */
export function verifyCertificate(
  certPem: string,
  opts: { trustedRootPem: string; intermediatesPem?: string[]; at: Date },
): VerifiedCertificate {
  if (!(opts.at instanceof Date) || Number.isNaN(opts.at.getTime())) {
    // An invalid date would compare false against both bounds and pass every validity check.
    throw new CryptoError(
      'UNTRUSTED_CERTIFICATE',
      'The certificate cannot be checked: the time to check it at is not a valid date.',
    );
  }
  const leaf = parseCertificate(certPem);
  const root = parseCertificate(opts.trustedRootPem, 'trusted root certificate');
  const intermediates = (opts.intermediatesPem ?? []).map((pem) =>
    parseCertificate(pem, 'intermediate certificate'),
  );
  const isRoot = certificateDer(certPem).equals(certificateDer(opts.trustedRootPem));
  const path = isRoot ? [leaf] : buildPath(leaf, root, intermediates);

  for (const cert of isRoot ? path : [...path, root]) checkValidity(cert, opts.at, cert === root);
  try {
    forge.pki.verifyCertificateChain(forge.pki.createCaStore([root]), path, { validityCheckDate: opts.at });
  } catch (cause) {
    throw new CryptoError('UNTRUSTED_CERTIFICATE', `The certificate is not trusted: ${forgeReason(cause)}.`, {
      cause,
    });
  }
  return {
    subject: subjectFromCertificate(leaf),
    fingerprint: certificateFingerprint(certPem),
    notBefore: leaf.validity.notBefore,
    notAfter: leaf.validity.notAfter,
    publicKeyPem: createPublicKey(certPem).export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** SHA-256 of the certificate's DER bytes, lowercase hex: how packages name a recipient. */
export function certificateFingerprint(certPem: string): string {
  return sha256Hex(certificateDer(certPem));
}

function newCertificate(
  publicKeyPem: string,
  validFrom: Date | undefined,
  validDays: number,
): forge.pki.Certificate {
  if (!Number.isFinite(validDays) || validDays <= 0) {
    throw new CryptoError('INVALID_VALIDITY', 'A certificate must be valid for a positive number of days.');
  }
  const notBefore = validFrom ?? new Date();
  if (Number.isNaN(notBefore.getTime())) {
    throw new CryptoError('INVALID_VALIDITY', 'The certificate start date is not a valid date.');
  }
  const cert = forge.pki.createCertificate();
  cert.publicKey = forgePublicKey(publicKeyPem);
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + validDays * DAY_MS);
  return cert;
}

/** 128 random bits, positive and without a leading zero byte so the DER INTEGER is minimal. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/** Leaf first, then each issuer up to (not including) the root, as forge expects. */
function buildPath(
  leaf: forge.pki.Certificate,
  root: forge.pki.Certificate,
  intermediates: forge.pki.Certificate[],
): forge.pki.Certificate[] {
  const path = [leaf];
  let current = leaf;
  while (!current.isIssuer(root)) {
    const next = intermediates.find((c) => current.isIssuer(c) && !path.includes(c));
    if (!next || path.length > MAX_INTERMEDIATES) {
      throw new CryptoError(
        'UNTRUSTED_CERTIFICATE',
        `The certificate "${commonNameOf(current)}" was not issued by the trusted root or by a certificate in its chain.`,
      );
    }
    path.push(next);
    current = next;
  }
  return path;
}

function checkValidity(cert: forge.pki.Certificate, at: Date, isRoot: boolean): void {
  const { notBefore, notAfter } = cert.validity;
  const who = `${isRoot ? 'trusted root ' : ''}certificate "${commonNameOf(cert)}"`;
  if (at.getTime() > notAfter.getTime()) {
    throw new CryptoError('CERTIFICATE_EXPIRED', `The ${who} expired on ${notAfter.toISOString()}.`);
  }
  if (at.getTime() < notBefore.getTime()) {
    throw new CryptoError(
      'CERTIFICATE_NOT_YET_VALID',
      `The ${who} is not valid until ${notBefore.toISOString()}.`,
    );
  }
}

function commonNameOf(cert: forge.pki.Certificate): string {
  return commonNameOrUnnamed(cert).slice(0, 64);
}

/** forge throws plain objects like { message, error }; turn them into a readable clause. */
function forgeReason(cause: unknown): string {
  const message = (cause as { message?: unknown } | null)?.message;
  const text =
    typeof message === 'string' ? message.replace(/\.$/, '') : 'its signature chain does not verify';
  return text.charAt(0).toLowerCase() + text.slice(1);
}
