import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExamPki, type ExamPki, issueSiteTlsCredential } from '@exam/centre';
import { createSiteServer, type SiteTlsCredential } from '@exam/site-server';
import { testPki } from './testSite.js';

/**
 * How a server on the LAN may pose as the site (issue 16): a certificate from a root it made
 * itself (for the right siteId), one the real centre issued for another site, or the site's
 * own signing certificate (centre-issued and naming this site, but not a TLS certificate).
 */
export type RogueCertificate = 'self-made-root' | 'other-site' | 'site-signing-cert';

export interface RogueSite {
  url: string;
  stop(): Promise<void>;
}

let selfMade: ExamPki | null = null;

function credentialFor(kind: RogueCertificate): SiteTlsCredential {
  const pki = testPki();
  if (kind === 'self-made-root') {
    // Its own root, a TLS certificate for SITE-T: everything right except who issued it.
    selfMade ??= createExamPki(pki.site.siteId, { validFrom: new Date('2020-01-01T00:00:00Z') });
    return selfMade.siteTls;
  }
  if (kind === 'other-site') {
    return issueSiteTlsCredential(pki.centre, 'SITE-OTHER', { validFrom: new Date('2020-01-01T00:00:00Z') });
  }
  return { certPem: pki.site.certPem, privateKeyPem: pki.site.privateKeyPem };
}

/** A real site server (no exam loaded) serving `kind` of certificate on a loopback port. */
export async function startRogueSite(kind: RogueCertificate): Promise<RogueSite> {
  const pki = testPki();
  const dataDir = mkdtempSync(join(tmpdir(), 'rogue-site-'));
  const server = createSiteServer({
    dataDir,
    identity: {
      certPem: pki.site.certPem,
      privateKeyPem: pki.site.privateKeyPem,
      trustedRootPem: pki.centre.certPem,
    },
    tls: credentialFor(kind),
  });
  const url = await server.listen();
  return {
    url,
    async stop() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
