import type { TLSSocket } from 'node:tls';
import { type CertSubject, verifyCertificate } from '@exam/crypto';

/**
 * Who is at the other end of the mutual-TLS connection. TLS already refused anything not
 * chaining to the centre root (`requestCert`, `rejectUnauthorized`); this reads the subject
 * (role, siteId) from the same certificate, checked again with the platform's verifier so the
 * role and site come from a certificate it trusts. Cached per connection: a site sends many
 * chunks over one.
 */
const seen = new WeakMap<TLSSocket, CertSubject | null>();

export function peerSubject(socket: TLSSocket, centreRootPem: string, at: Date): CertSubject | null {
  if (seen.has(socket)) return seen.get(socket) ?? null;
  let subject: CertSubject | null = null;
  if (socket.authorized) {
    const raw = socket.getPeerCertificate(false)?.raw;
    if (raw && raw.length > 0) {
      try {
        subject = verifyCertificate(derToPem(raw), { trustedRootPem: centreRootPem, at }).subject;
      } catch {
        subject = null;
      }
    }
  }
  seen.set(socket, subject);
  return subject;
}

/** The site a client certificate speaks for: only a `site` certificate (the site key) uploads. */
export function uploadingSite(subject: CertSubject | null): string | null {
  return subject?.role === 'site' && subject.siteId !== undefined ? subject.siteId : null;
}

function derToPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
