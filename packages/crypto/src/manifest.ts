import { canonicalJson } from './canonicalJson.js';
import { PackageError } from './errors.js';

export const PACKAGE_KINDS = Object.freeze([
  'exam-data',
  'authorization',
  'answers',
  'standalone',
  'backup',
  'standalone-answers',
] as const);
export type PackageKind = (typeof PACKAGE_KINDS)[number];

export const PACKAGE_FORMAT = 'exam-pkg';
export const PACKAGE_FORMAT_VERSION = 1;

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
const MAX_CHAIN = 8;
const HEX64 = /^[0-9a-f]{64}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const CERT_PEM = /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n?$/;

/**
 * Parses and checks the manifest bytes against the schema. Requires canonical JSON, so
 * that exactly one byte string stands for each manifest and the signature covers what is
 * read (no duplicate keys, no whitespace games).
 */
export function parseManifest(bytes: Buffer): PackageManifest {
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
  if (version !== PACKAGE_FORMAT_VERSION) {
    throw new PackageError(
      'UNSUPPORTED_VERSION',
      `The package uses format version ${version}, but this software reads only version ${PACKAGE_FORMAT_VERSION}. Use software that matches the package, or ask for the package again.`,
    );
  }
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
  try {
    if (canonicalJson(value) !== text) malformed('it is not in canonical form');
  } catch (e) {
    if (e instanceof PackageError) throw e;
    malformed('it is not in canonical form');
  }
  return value as unknown as PackageManifest;
}

function checkPayload(payload: unknown): asserts payload is PackageManifest['payload'] {
  if (!isRecord(payload)) malformed('its payload description is not a JSON object');
  checkKeys(payload, PAYLOAD_KEYS, 'payload description');
  const { cipher, length, sha256, iv, tag, wrappedKey } = payload;
  if (cipher !== 'AES-256-GCM') malformed('its payload cipher is not AES-256-GCM');
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
    malformed('its payload length is not a whole number of bytes');
  }
  if (typeof sha256 !== 'string' || !HEX64.test(sha256))
    malformed('its payload hash is not a SHA-256 hex string');
  if (base64Length(iv) !== 12) malformed('its payload IV is not 12 bytes of base64');
  if (base64Length(tag) !== 16) malformed('its payload tag is not 16 bytes of base64');
  const wrapped = base64Length(wrappedKey);
  if (wrapped === undefined || wrapped === 0 || wrapped > 1024)
    malformed('its wrapped key is not valid base64');
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
