import type { PeerCertificate } from 'node:tls';
import { subjectFromCertificate } from './certSubject.js';
import { CryptoError } from './errors.js';
import { parseCertificate } from './forgePem.js';
import { sha256Hex } from './hash.js';

/**
 * TLS on the exam-room LAN (issue 16): the site server serves HTTPS/WSS with a certificate the
 * centre issued for it, and every client trusts the centre root only and checks that the
 * certificate names the site it was installed for. Sites are addressed by IP, so the usual
 * host-name check cannot work; the site's identity is its siteId, which the certificate
 * carries in its subject (role 'site-server', L = siteId) and as its one DNS name.
 */

/** What a client is installed with at machine preparation, beside the server's address. */
export interface SiteTrust {
  /** The centre root certificate (PEM): the only trust anchor, never the system CA store. */
  centreRootPem: string;
  /** The site this machine belongs to: a certificate for any other site is refused. */
  siteId: string;
}

/**
 * A client's trust as installed (the centre root's PEM text and the siteId), checked so a
 * wrong file stops the client at start instead of refusing every server later.
 */
export function readSiteTrust(centreRootPem: string, siteId: string): SiteTrust {
  const subject = subjectFromCertificate(parseCertificate(centreRootPem, 'centre root certificate'));
  if (subject.role !== 'centre') {
    throw new CryptoError(
      'UNTRUSTED_CERTIFICATE',
      'The centre root file holds a certificate that is not the centre root.',
    );
  }
  if (siteId.length === 0 || siteId.length > 64 || /\p{C}/u.test(siteId)) {
    throw new CryptoError(
      'INVALID_SUBJECT',
      'The siteId must be 1 to 64 characters, none of them control characters.',
    );
  }
  return { centreRootPem, siteId };
}

/** The code of every refusal of the server's identity, whatever the TLS library called it. */
export const SERVER_IDENTITY = 'SERVER_IDENTITY';

/** The TLS role written in the certificate's OU (see CERT_ROLES). */
export const SITE_SERVER_ROLE = 'site-server';

const TLS_DOMAIN = 'exam.internal';

/**
 * The DNS name in a site's TLS certificate: `site-<siteid>.exam.internal` for a siteId that
 * is already a DNS label (lowercased), otherwise a hash of it, so every siteId has exactly
 * one name. The subject's L (the exact siteId) is checked too, so case cannot be confused.
 */
export function siteTlsHostName(siteId: string): string {
  const label = /^[A-Za-z0-9-]{1,40}$/.test(siteId)
    ? siteId.toLowerCase()
    : `h${sha256Hex(Buffer.from(siteId, 'utf8')).slice(0, 32)}`;
  return `site-${label}.${TLS_DOMAIN}`;
}

type IdentityError = Error & { code: string };

function identityError(why: string): IdentityError {
  return Object.assign(new Error(`The server is not this site's server: ${why}.`), { code: SERVER_IDENTITY });
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * A `checkServerIdentity` for tls.connect: Node calls it only after the chain verified against
 * `ca`. It ignores the host in the URL (an IP address) and compares the certificate with the
 * configured siteId instead.
 */
export function checkSiteServerIdentity(
  siteId: string,
): (host: string, cert: PeerCertificate) => IdentityError | undefined {
  const expectedName = `DNS:${siteTlsHostName(siteId)}`;
  return (_host, cert) => {
    const subject = cert.subject ?? {};
    if (first(subject.OU) !== SITE_SERVER_ROLE)
      return identityError('its certificate is not a site server certificate');
    if (first(subject.L) !== siteId) return identityError(`its certificate names another site`);
    const names = (cert.subjectaltname ?? '').split(',').map((n) => n.trim());
    if (!names.includes(expectedName))
      return identityError(`its certificate does not name ${siteTlsHostName(siteId)}`);
    return undefined;
  };
}

/**
 * The TLS options every client passes (socket.io-client hands them to `ws`; https.request
 * takes them as they are): the centre root as the only CA, verification on, the site check.
 */
export function siteTlsClientOptions(trust: SiteTrust) {
  return {
    ca: [trust.centreRootPem],
    rejectUnauthorized: true as const,
    checkServerIdentity: checkSiteServerIdentity(trust.siteId),
  };
}

/**
 * OpenSSL's and Node's names for a server that could not be authenticated: an unknown or
 * self-made root, a certificate for another name, expired, or not TLS at all.
 */
const IDENTITY_FAILURES = new Set([
  SERVER_IDENTITY,
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_PURPOSE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

/**
 * True when `err`, or an error it wraps (engine.io's TransportError keeps the `ws` error
 * event in `description`, which keeps the TLS error in `error`), is a refused server identity.
 */
export function isServerIdentityFailure(err: unknown, depth = 0): boolean {
  if (depth > 4 || typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; cause?: unknown; description?: unknown; error?: unknown };
  if (typeof e.code === 'string' && (IDENTITY_FAILURES.has(e.code) || e.code.startsWith('ERR_SSL_')))
    return true;
  return [e.cause, e.description, e.error].some((inner) => isServerIdentityFailure(inner, depth + 1));
}
