import type { PeerCertificate } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { checkSiteServerIdentity, isServerIdentityFailure, siteTlsHostName } from './siteTls.js';

const peer = (subject: Record<string, string>, san: string) =>
  ({ subject, subjectaltname: san }) as unknown as PeerCertificate;

describe('the site server identity check', () => {
  it('names each site once: a DNS label lowercased, anything else hashed', () => {
    expect(siteTlsHostName('LN-0101')).toBe('site-ln-0101.exam.internal');
    expect(siteTlsHostName('沈阳一中')).toMatch(/^site-h[0-9a-f]{32}\.exam\.internal$/);
    expect(siteTlsHostName('沈阳一中')).not.toBe(siteTlsHostName('沈阳二中'));
  });

  it('accepts the site server certificate of the configured site, whatever the IP in the URL', () => {
    const check = checkSiteServerIdentity('LN-0101');
    const cert = peer({ OU: 'site-server', L: 'LN-0101' }, 'DNS:site-ln-0101.exam.internal');
    expect(check('10.0.0.2', cert)).toBeUndefined();
  });

  it('refuses another site, another role, a missing name and a case-folded siteId', () => {
    const check = checkSiteServerIdentity('LN-0101');
    const refusals = [
      peer({ OU: 'site-server', L: 'LN-0102' }, 'DNS:site-ln-0102.exam.internal'),
      peer({ OU: 'site', L: 'LN-0101' }, 'DNS:site-ln-0101.exam.internal'),
      peer({ OU: 'site-server', L: 'LN-0101' }, 'DNS:evil.example'),
      peer({ OU: 'site-server', L: 'ln-0101' }, 'DNS:site-ln-0101.exam.internal'),
    ];
    for (const cert of refusals) {
      const e = check('10.0.0.2', cert);
      expect(e?.code).toBe('SERVER_IDENTITY');
      expect(isServerIdentityFailure(e)).toBe(true);
    }
  });

  it('finds a TLS refusal inside the transport errors that wrap it, and not a plain outage', () => {
    const tls = Object.assign(new Error('self-signed certificate in certificate chain'), {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    expect(isServerIdentityFailure({ description: { error: tls } })).toBe(true);
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(isServerIdentityFailure({ description: { error: refused } })).toBe(false);
  });
});
