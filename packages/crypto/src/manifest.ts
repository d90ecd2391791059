import { canonicalJson } from './canonicalJson.js';
import { PackageError } from './errors.js';

export const PACKAGE_KINDS = Object.freeze([
  'exam-data',
  'authorization',
  'answers',
  'standalone',
  'backup',
  'standalone-answers',
  // Issue 18: the site database's snapshot after a sitting, sealed for the province and centre.
  'site-backup',
] as const);
export type PackageKind = (typeof PACKAGE_KINDS)[number];

export const PACKAGE_FORMAT = 'exam-pkg';
/** What writePackage writes: one certificate signer, one certificate recipient. */
export const PACKAGE_FORMAT_VERSION = 1;
/**
 * What writePackageV2 writes (issue 17): the signer is a certificate or a machine's Ed25519 key,
 * and the payload key is wrapped for one or more recipients, each a certificate or a code.
 */
export const PACKAGE_FORMAT_VERSION_2 = 2;

export interface PackageManifest {
  format: 'exam-pkg';
  formatVersion: 1;
  kind: PackageKind;
  /** ISO 8601, as written by the signer's clock. */
  createdAt: string;
  signerCertPem: string;
  signerChainPem: string[];
  /** certificateFingerprint() of the recipient's certificate. */
  recipientFingerprint: string;
  payload: {
    cipher: 'AES-256-GCM';
    length: number;
    /** hex SHA-256 of the ciphertext. */
    sha256: string;
    /** base64, 12 bytes. */
    iv: string;
    /** base64, 16 bytes. */
    tag: string;
    /** base64 RSA-OAEP-SHA256 wrapping of the payload key for the recipient. */
    wrappedKey: string;
  };
  /** The caller's metadata (site id, sitting id, counts...), signed with the rest. */
  meta: Record<string, unknown>;
}

/** Who signed a version 2 package: a certificate under the reader's root, or a bare machine key. */
export type ManifestSigner =
  | { kind: 'certificate'; certPem: string; chainPem: string[] }
  /** base64 SPKI DER of an Ed25519 key (machineKeys.ts); the reader decides whose it must be. */
  | { kind: 'machine'; publicKey: string };

/** One way to the payload key of a version 2 package. */
export type KeyWrap =
  /** base64 RSA-OAEP-SHA256 wrapping for the certificate with that certificateFingerprint(). */
  | { kind: 'rsa-oaep'; recipientFingerprint: string; wrappedKey: string }
  /**
   * base64 of IV (12) | AES-256-GCM ciphertext of the key (32) | tag (16), under
   * scrypt(code, salt, N=2^15, r=8, p=1). The parameters are fixed by the kind, never read
   * from the file, so a hostile file cannot ask for a memory-exhausting derivation.
   */
  | { kind: 'code-scrypt'; salt: string; wrappedKey: string };

export interface PackageManifestV2 {
  format: 'exam-pkg';
  formatVersion: 2;
  kind: PackageKind;
  /** ISO 8601, as written by the signer's clock. */
  createdAt: string;
  signer: ManifestSigner;
  /** At least one; at most one per certificate and one code. */
  keyWraps: KeyWrap[];
  payload: Omit<PackageManifest['payload'], 'wrappedKey'>;
  meta: Record<string, unknown>;
}

export type AnyPackageManifest = PackageManifest | PackageManifestV2;

const MANIFEST_KEYS = [
  'createdAt',
  'format',
  'formatVersion',
  'kind',
  'meta',
  'payload',
  'recipientFingerprint',
  'signerCertPem',
  'signerChainPem',
];
const PAYLOAD_KEYS = ['cipher', 'iv', 'length', 'sha256', 'tag', 'wrappedKey'];
const MANIFEST_V2_KEYS = [
  'createdAt',
  'format',
  'formatVersion',
  'keyWraps',
  'kind',
  'meta',
  'payload',
  'signer',
];
const PAYLOAD_V2_KEYS = ['cipher', 'iv', 'length', 'sha256', 'tag'];
const MAX_CHAIN = 8;
const MAX_KEY_WRAPS = 8;
/** IV + wrapped 32-byte key + tag. */
const CODE_WRAP_BYTES = 12 + 32 + 16;
/** A salt is an identifier (a packageId), not secret and not binary. */
const SALT = /^[0-9A-Za-z._-]{8,128}$/;
const BASE64_SPKI_ED25519 = /^[A-Za-z0-9+/]{59}=$/;
const HEX64 = /^[0-9a-f]{64}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const CERT_PEM = /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n?$/;

/**
 * Parses and checks the manifest bytes against the schema. Requires canonical JSON, so
 * that exactly one byte string stands for each manifest and the signature covers what is
 * read (no duplicate keys, no whitespace games).
 */
export function parseManifest(bytes: Buffer): AnyPackageManifest {
  let text: string;
  let value: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    value = JSON.parse(text);
  } catch {
    malformed('it is not valid UTF-8 JSON');
  }
  if (!isRecord(value)) malformed('it is not a JSON object');
  if (value.format !== PACKAGE_FORMAT) malformed('its format is not "exam-pkg"');
  const version = value.formatVersion;
  if (typeof version !== 'number' || !Number.isSafeInteger(version))
    malformed('its format version is not a number');
  if (version !== PACKAGE_FORMAT_VERSION && version !== PACKAGE_FORMAT_VERSION_2) {
    throw new PackageError(
      'UNSUPPORTED_VERSION',
      `The package uses format version ${version}, but this software reads only versions ${PACKAGE_FORMAT_VERSION} and ${PACKAGE_FORMAT_VERSION_2}. Use software that matches the package, or ask for the package again.`,
    );
  }
  if (version === PACKAGE_FORMAT_VERSION_2) {
    checkManifestV2(value);
  } else {
    checkManifestV1(value);
  }
  try {
    if (canonicalJson(value) !== text) malformed('it is not in canonical form');
  } catch (e) {
    if (e instanceof PackageError) throw e;
    malformed('it is not in canonical form');
  }
  return value as unknown as AnyPackageManifest;
}

function checkManifestV1(value: Record<string, unknown>): void {
  checkKeys(value, MANIFEST_KEYS, 'manifest');
  const { kind, createdAt, signerCertPem, signerChainPem, recipientFingerprint, payload, meta } = value;
  if (!(PACKAGE_KINDS as readonly unknown[]).includes(kind))
    malformed('its kind is not a known package kind');
  if (typeof createdAt !== 'string' || !ISO_INSTANT.test(createdAt) || Number.isNaN(Date.parse(createdAt))) {
    malformed('its creation time is not an ISO date');
  }
  if (!isCertPem(signerCertPem)) malformed("the signer's certificate is not a PEM certificate");
  if (
    !Array.isArray(signerChainPem) ||
    signerChainPem.length > MAX_CHAIN ||
    !signerChainPem.every(isCertPem)
  ) {
    malformed(`the signer's chain is not a list of at most ${MAX_CHAIN} PEM certificates`);
  }
  if (typeof recipientFingerprint !== 'string' || !HEX64.test(recipientFingerprint)) {
    malformed('the recipient fingerprint is not a SHA-256 hex string');
  }
  if (!isRecord(meta)) malformed('its meta is not a JSON object');
  checkPayload(payload);
}

function checkManifestV2(value: Record<string, unknown>): void {
  checkKeys(value, MANIFEST_V2_KEYS, 'manifest');
  const { kind, createdAt, signer, keyWraps, payload, meta } = value;
  if (!(PACKAGE_KINDS as readonly unknown[]).includes(kind))
    malformed('its kind is not a known package kind');
  if (typeof createdAt !== 'string' || !ISO_INSTANT.test(createdAt) || Number.isNaN(Date.parse(createdAt))) {
    malformed('its creation time is not an ISO date');
  }
  checkSigner(signer);
  if (!Array.isArray(keyWraps) || keyWraps.length === 0 || keyWraps.length > MAX_KEY_WRAPS) {
    malformed(`its key wraps are not a list of 1 to ${MAX_KEY_WRAPS}`);
  }
  const seen = new Set<string>();
  for (const wrap of keyWraps) {
    const who = checkKeyWrap(wrap);
    if (seen.has(who)) malformed('it wraps the key twice for the same recipient');
    seen.add(who);
  }
  if (!isRecord(meta)) malformed('its meta is not a JSON object');
  if (!isRecord(payload)) malformed('its payload description is not a JSON object');
  checkKeys(payload, PAYLOAD_V2_KEYS, 'payload description');
  checkPayloadFields(payload);
}

function checkSigner(signer: unknown): void {
  if (!isRecord(signer)) malformed('its signer is not a JSON object');
  if (signer.kind === 'certificate') {
    checkKeys(signer, ['certPem', 'chainPem', 'kind'], 'signer');
    if (!isCertPem(signer.certPem)) malformed("the signer's certificate is not a PEM certificate");
    const chain = signer.chainPem;
    if (!Array.isArray(chain) || chain.length > MAX_CHAIN || !chain.every(isCertPem)) {
      malformed(`the signer's chain is not a list of at most ${MAX_CHAIN} PEM certificates`);
    }
  } else if (signer.kind === 'machine') {
    checkKeys(signer, ['kind', 'publicKey'], 'signer');
    if (typeof signer.publicKey !== 'string' || !BASE64_SPKI_ED25519.test(signer.publicKey)) {
      malformed("the signer's machine key is not a base64 Ed25519 public key");
    }
  } else {
    malformed('its signer is neither a certificate nor a machine key');
  }
}

/** Checks one key wrap; returns who it is for, to refuse two wraps for the same recipient. */
function checkKeyWrap(wrap: unknown): string {
  if (!isRecord(wrap)) malformed('a key wrap is not a JSON object');
  if (wrap.kind === 'rsa-oaep') {
    checkKeys(wrap, ['kind', 'recipientFingerprint', 'wrappedKey'], 'key wrap');
    if (typeof wrap.recipientFingerprint !== 'string' || !HEX64.test(wrap.recipientFingerprint)) {
      malformed('a recipient fingerprint is not a SHA-256 hex string');
    }
    const wrapped = base64Length(wrap.wrappedKey);
    if (wrapped === undefined || wrapped === 0 || wrapped > 1024)
      malformed('a wrapped key is not valid base64');
    return `rsa-oaep:${wrap.recipientFingerprint}`;
  }
  if (wrap.kind === 'code-scrypt') {
    checkKeys(wrap, ['kind', 'salt', 'wrappedKey'], 'key wrap');
    if (typeof wrap.salt !== 'string' || !SALT.test(wrap.salt)) malformed('a code salt is not an identifier');
    if (base64Length(wrap.wrappedKey) !== CODE_WRAP_BYTES) {
      malformed(`a code-wrapped key is not ${CODE_WRAP_BYTES} bytes of base64`);
    }
    return 'code-scrypt';
  }
  malformed('a key wrap is neither rsa-oaep nor code-scrypt');
}

function checkPayload(payload: unknown): asserts payload is PackageManifest['payload'] {
  if (!isRecord(payload)) malformed('its payload description is not a JSON object');
  checkKeys(payload, PAYLOAD_KEYS, 'payload description');
  checkPayloadFields(payload);
  const wrapped = base64Length(payload.wrappedKey);
  if (wrapped === undefined || wrapped === 0 || wrapped > 1024)
    malformed('its wrapped key is not valid base64');
}

function checkPayloadFields(payload: Record<string, unknown>): void {
  const { cipher, length, sha256, iv, tag } = payload;
  if (cipher !== 'AES-256-GCM') malformed('its payload cipher is not AES-256-GCM');
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
    malformed('its payload length is not a whole number of bytes');
  }
  if (typeof sha256 !== 'string' || !HEX64.test(sha256))
    malformed('its payload hash is not a SHA-256 hex string');
  if (base64Length(iv) !== 12) malformed('its payload IV is not 12 bytes of base64');
  if (base64Length(tag) !== 16) malformed('its payload tag is not 16 bytes of base64');
}

/** The decoded length of a strict (canonical) base64 string, or undefined. */
function base64Length(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const bytes = Buffer.from(value, 'base64');
  return bytes.toString('base64') === value ? bytes.length : undefined;
}

function isCertPem(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 16_384 && CERT_PEM.test(value);
}

function checkKeys(record: Record<string, unknown>, expected: string[], what: string): void {
  const keys = Object.keys(record).sort();
  if (keys.length !== expected.length || keys.some((k, i) => k !== expected[i])) {
    malformed(`its ${what} does not have exactly the fields ${expected.join(', ')}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(why: string): never {
  throw new PackageError('MALFORMED_MANIFEST', `The package manifest cannot be read: ${why}.`);
}
