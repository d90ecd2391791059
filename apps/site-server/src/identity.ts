import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromPkcs12 } from '@exam/crypto';
import type { SiteIdentity } from './site/context.js';
import type { SiteTlsCredential } from './site/tls.js';

export const IDENTITY_FILES = Object.freeze({
  siteKey: 'site.p12',
  centreRoot: 'centre-root.pem',
  /** The TLS certificate and its own key, issued by the centre; same PIN as the site key. */
  tls: 'site-tls.p12',
} as const);

/**
 * Loads the site key (a PKCS#12 file protected by a PIN, as issued by the centre) and the
 * centre root certificate. The private key stays in memory; never log it.
 */
export function loadSiteIdentity(dir: string, pin: string): SiteIdentity {
  const p12 = fromPkcs12(readFileSync(join(dir, IDENTITY_FILES.siteKey)), pin);
  return {
    certPem: p12.certPem,
    privateKeyPem: p12.privateKeyPem,
    trustedRootPem: readFileSync(join(dir, IDENTITY_FILES.centreRoot), 'utf8'),
  };
}

/**
 * Loads the site's TLS credential (a PKCS#12 file from the centre, under the site PIN). The
 * server refuses to start without it: there is no plain HTTP to fall back to.
 */
export function loadSiteTls(dir: string, pin: string): SiteTlsCredential {
  const p12 = fromPkcs12(readFileSync(join(dir, IDENTITY_FILES.tls)), pin);
  return { certPem: p12.certPem, privateKeyPem: p12.privateKeyPem };
}
