import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromPkcs12 } from '@exam/crypto';
import type { SiteIdentity } from './site/context.js';

export const IDENTITY_FILES = Object.freeze({ siteKey: 'site.p12', centreRoot: 'centre-root.pem' } as const);

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
