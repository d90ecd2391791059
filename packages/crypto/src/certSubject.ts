import forge from 'node-forge';
import { CryptoError } from './errors.js';

/**
 * 'site-server' is the site's TLS certificate: a key of its own, apart from the site key
 * (考务锁, role 'site') that opens and signs packages, so a TLS key on a server's disk can
 * never sign as the site, and the site key never serves TLS.
 */
export const CERT_ROLES = Object.freeze([
  'centre',
  'province',
  'site',
  'site-server',
  'proctor',
  'chief',
  'admin',
  // The centre's receiver (issue 18): serves the upload over TLS and signs receipts.
  'receiver',
] as const);
export type CertRole = (typeof CERT_ROLES)[number];

export interface CertSubject {
  commonName: string;
  role: CertRole;
  siteId?: string;
  roomId?: string;
}

/**
 * How a subject is written into the certificate's distinguished name, using standard
 * attribute types so that `openssl x509 -text` shows it plainly:
 *
 *   CN (2.5.4.3)               commonName, the human-readable name
 *   OU (2.5.4.11)              role, one of CERT_ROLES
 *   L  (2.5.4.7)               siteId: the site is the certificate holder's locality
 *   houseIdentifier (2.5.4.51) roomId: the room within that site
 *
 * All values are UTF8String, so site and room names need not be ASCII.
 */
const OID = Object.freeze({
  commonName: '2.5.4.3',
  role: '2.5.4.11',
  siteId: '2.5.4.7',
  roomId: '2.5.4.51',
} as const);

const MAX_VALUE_LENGTH = 64;

// forge stores the value's universal tag number here; @types/node-forge mislabels the
// field as asn1.Class, hence the conversion.
const UTF8_TAG = forge.asn1.Type.UTF8 as number as forge.asn1.Class;

type Field = keyof typeof OID;

export function subjectToAttributes(subject: CertSubject): forge.pki.CertificateField[] {
  checkSubject(subject);
  const fields: [Field, string | undefined][] = [
    ['commonName', subject.commonName],
    ['role', subject.role],
    ['siteId', subject.siteId],
    ['roomId', subject.roomId],
  ];
  return fields.flatMap(([field, value]) =>
    value === undefined ? [] : [{ type: OID[field], value, valueTagClass: UTF8_TAG }],
  );
}

export function subjectFromCertificate(cert: forge.pki.Certificate): CertSubject {
  const found: Partial<Record<Field, string>> = {};
  for (const attr of cert.subject.attributes) {
    const field = (Object.keys(OID) as Field[]).find((f) => OID[f] === attr.type);
    if (!field) continue;
    if (found[field] !== undefined) malformed(`it names its ${field} twice`);
    found[field] = decodeValue(attr);
  }
  const { commonName, role, siteId, roomId } = found;
  if (commonName === undefined) malformed('it has no common name (CN)');
  if (!isRole(role))
    malformed(`its role (OU) "${String(role).slice(0, 32)}" is not one of ${CERT_ROLES.join(', ')}`);
  const subject: CertSubject = { commonName, role };
  if (siteId !== undefined) subject.siteId = siteId;
  if (roomId !== undefined) subject.roomId = roomId;
  return subject;
}

/**
 * The certificate's subject as attributes forge can write back unchanged (as the issuer
 * of a child certificate). forge reads UTF8String values as raw bytes but UTF-8-encodes
 * them again when writing, which would double-encode non-ASCII names and break the chain.
 */
export function reencodableAttributes(cert: forge.pki.Certificate): forge.pki.CertificateField[] {
  return cert.subject.attributes.map((attr) =>
    attr.valueTagClass === UTF8_TAG ? { ...attr, value: decodeValue(attr) } : { ...attr },
  );
}

/** For error messages about certificates that may not follow our subject layout. */
export function commonNameOrUnnamed(cert: forge.pki.Certificate): string {
  const attr = cert.subject.attributes.find((a) => a.type === OID.commonName);
  if (!attr) return 'unnamed';
  try {
    return decodeValue(attr);
  } catch {
    return 'unnamed';
  }
}

function checkSubject(subject: CertSubject): void {
  if (!isRole(subject.role)) {
    throw new CryptoError(
      'INVALID_SUBJECT',
      `The role "${subject.role}" is not one of ${CERT_ROLES.join(', ')}.`,
    );
  }
  for (const [name, value] of Object.entries({
    commonName: subject.commonName,
    siteId: subject.siteId,
    roomId: subject.roomId,
  })) {
    if (value === undefined && name !== 'commonName') continue;
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_VALUE_LENGTH) {
      throw new CryptoError(
        'INVALID_SUBJECT',
        `The certificate ${name} must be 1 to ${MAX_VALUE_LENGTH} characters long.`,
      );
    }
  }
}

function isRole(role: unknown): role is CertRole {
  return typeof role === 'string' && (CERT_ROLES as readonly string[]).includes(role);
}

function decodeValue(attr: forge.pki.CertificateField): string {
  const raw = String(attr.value ?? '');
  // forge hands back UTF8String values as undecoded bytes.
  if (attr.valueTagClass !== UTF8_TAG) return raw;
  try {
    return forge.util.decodeUtf8(raw);
  } catch {
    malformed('a name field is not valid UTF-8');
  }
}

function malformed(why: string): never {
  throw new CryptoError('MALFORMED_CERTIFICATE', `The certificate subject cannot be read: ${why}.`);
}
