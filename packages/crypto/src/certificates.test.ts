import { beforeAll, describe, expect, it } from 'vitest';
import {
  certificateFingerprint,
  createRootCertificate,
  issueCertificate,
  verifyCertificate,
} from './certificates.js';
import type { CertSubject } from './certSubject.js';
import { CryptoError } from './errors.js';
import { sha256Hex } from './hash.js';
import { generateKeyPair, type KeyPair } from './keys.js';

const DAY = 86_400_000;
const NOW = new Date('2025-06-07T08:00:00Z');
const LONG_AGO = new Date('2020-01-01T00:00:00Z');

let rootKeys: KeyPair;
let siteKeys: KeyPair;
let otherKeys: KeyPair;
let root: string;
let otherRoot: string;

beforeAll(() => {
  rootKeys = generateKeyPair();
  siteKeys = generateKeyPair();
  otherKeys = generateKeyPair();
  root = createRootCertificate({
    commonName: 'Exam Centre Root',
    keyPair: rootKeys,
    validFrom: LONG_AGO,
    validDays: 3650,
  });
  otherRoot = createRootCertificate({
    commonName: 'Exam Centre Root',
    keyPair: otherKeys,
    validFrom: LONG_AGO,
    validDays: 3650,
  });
});

function issue(
  subject: CertSubject,
  extra: { validFrom?: Date; validDays?: number; isCa?: boolean } = {},
): string {
  return issueCertificate({
    issuerCertPem: root,
    issuerPrivateKeyPem: rootKeys.privateKeyPem,
    subject,
    publicKeyPem: siteKeys.publicKeyPem,
    validFrom: extra.validFrom ?? new Date(NOW.getTime() - DAY),
    validDays: extra.validDays ?? 365,
    isCa: extra.isCa,
  });
}

describe('root -> site certificates', () => {
  it('verifies a site certificate issued by the root and reports its subject and key', () => {
    const site = issue({ commonName: 'Site 0101', role: 'site', siteId: '0101' });
    const verified = verifyCertificate(site, { trustedRootPem: root, at: NOW });
    expect(verified.subject).toEqual({ commonName: 'Site 0101', role: 'site', siteId: '0101' });
    expect(verified.publicKeyPem).toBe(siteKeys.publicKeyPem);
    expect(verified.fingerprint).toBe(certificateFingerprint(site));
    expect(verified.notAfter.getTime() - verified.notBefore.getTime()).toBe(365 * DAY);
  });

  it('verifies the root itself, with role centre', () => {
    expect(verifyCertificate(root, { trustedRootPem: root, at: NOW }).subject).toEqual({
      commonName: 'Exam Centre Root',
      role: 'centre',
    });
  });

  it('round-trips role, siteId and roomId, including non-ASCII names', () => {
    const subject: CertSubject = {
      commonName: '第一考点 机房 3',
      role: 'proctor',
      siteId: 'S-0101',
      roomId: 'R03',
    };
    expect(verifyCertificate(issue(subject), { trustedRootPem: root, at: NOW }).subject).toEqual(subject);
  });

  it('refuses a certificate under another root with the same name', () => {
    const site = issue({ commonName: 'Site 0101', role: 'site', siteId: '0101' });
    expect(() => verifyCertificate(site, { trustedRootPem: otherRoot, at: NOW })).toThrow(
      expect.objectContaining({ code: 'UNTRUSTED_CERTIFICATE' }),
    );
    expect(() => verifyCertificate(root, { trustedRootPem: otherRoot, at: NOW })).toThrow(
      expect.objectContaining({ code: 'UNTRUSTED_CERTIFICATE' }),
    );
  });

  it('refuses an expired certificate and says when it expired', () => {
    const site = issue({ commonName: 'Old site', role: 'site' }, { validFrom: LONG_AGO, validDays: 30 });
    expect(() => verifyCertificate(site, { trustedRootPem: root, at: NOW })).toThrow(
      expect.objectContaining({
        code: 'CERTIFICATE_EXPIRED',
        message: expect.stringContaining('2020-01-31'),
      }),
    );
  });

  it('refuses a certificate that is not valid yet', () => {
    const site = issue(
      { commonName: 'Future site', role: 'site' },
      { validFrom: new Date(NOW.getTime() + DAY) },
    );
    expect(() => verifyCertificate(site, { trustedRootPem: root, at: NOW })).toThrow(
      expect.objectContaining({ code: 'CERTIFICATE_NOT_YET_VALID' }),
    );
  });

  it('refuses a certificate whose signature was altered', () => {
    const site = issue({ commonName: 'Site', role: 'site' });
    const der = Buffer.from(site.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.length - 5] = (der[der.length - 5] ?? 0) ^ 1;
    const forged = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
    expect(() => verifyCertificate(forged, { trustedRootPem: root, at: NOW })).toThrow(
      expect.objectContaining({ code: 'UNTRUSTED_CERTIFICATE' }),
    );
  });

  it('refuses every bit flip around the signature algorithm as a certificate error, not a crash', () => {
    // forge reads some of these leniently where Node's DER reader refuses them; a package
    // whose signer certificate was altered there must still be refused as untrusted.
    const site = issue({ commonName: 'Site', role: 'site' });
    const der = Buffer.from(site.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    // The 2048-bit signature is the last 256 bytes; its algorithm and header come just before.
    const from = der.length - 256 - 24;
    for (let at = from; at < der.length - 256; at++) {
      for (let bit = 0; bit < 8; bit++) {
        const copy = Buffer.from(der);
        copy[at] = (copy[at] ?? 0) ^ (1 << bit);
        const pem = `-----BEGIN CERTIFICATE-----\n${copy.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
        expect(() => verifyCertificate(pem, { trustedRootPem: root, at: NOW })).toThrow(CryptoError);
      }
    }
  });

  it('refuses to check at an invalid date rather than skipping the validity check', () => {
    const site = issue({ commonName: 'Site', role: 'site' });
    expect(() => verifyCertificate(site, { trustedRootPem: root, at: new Date(Number.NaN) })).toThrow(
      expect.objectContaining({ code: 'UNTRUSTED_CERTIFICATE' }),
    );
  });

  it('refuses garbage as MALFORMED_CERTIFICATE', () => {
    expect(() => verifyCertificate('hello', { trustedRootPem: root, at: NOW })).toThrow(
      expect.objectContaining({ code: 'MALFORMED_CERTIFICATE' }),
    );
  });

  it('refuses an unknown role when issuing', () => {
    expect(() => issue({ commonName: 'x', role: 'superuser' as CertSubject['role'] })).toThrow(
      expect.objectContaining({ code: 'INVALID_SUBJECT' }),
    );
  });
});

describe('intermediate certificates', () => {
  let provinceKeys: KeyPair;
  let province: string;
  let site: string;

  beforeAll(() => {
    provinceKeys = generateKeyPair();
    province = issueCertificate({
      issuerCertPem: root,
      issuerPrivateKeyPem: rootKeys.privateKeyPem,
      subject: { commonName: '北京 Province 11', role: 'province' },
      publicKeyPem: provinceKeys.publicKeyPem,
      validFrom: LONG_AGO,
      validDays: 3650,
      isCa: true,
    });
    site = issueCertificate({
      issuerCertPem: province,
      issuerPrivateKeyPem: provinceKeys.privateKeyPem,
      subject: { commonName: 'Site 1101', role: 'site', siteId: '1101' },
      publicKeyPem: siteKeys.publicKeyPem,
      validFrom: LONG_AGO,
      validDays: 3650,
    });
  });

  it('verifies a site certificate through a province intermediate', () => {
    const verified = verifyCertificate(site, { trustedRootPem: root, intermediatesPem: [province], at: NOW });
    expect(verified.subject.siteId).toBe('1101');
  });

  it('keeps a non-ASCII issuer name byte-identical, so the chain still links', () => {
    const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    expect(der(site).includes(Buffer.from('北京 Province 11', 'utf8'))).toBe(true);
  });

  it('refuses it when the intermediate is missing', () => {
    expect(() => verifyCertificate(site, { trustedRootPem: root, at: NOW })).toThrow(
      expect.objectContaining({ code: 'UNTRUSTED_CERTIFICATE' }),
    );
  });

  it('refuses to let a leaf certificate issue', () => {
    expect(() =>
      issueCertificate({
        issuerCertPem: site,
        issuerPrivateKeyPem: siteKeys.privateKeyPem,
        subject: { commonName: 'Rogue', role: 'admin' },
        publicKeyPem: otherKeys.publicKeyPem,
        validDays: 1,
      }),
    ).toThrow(expect.objectContaining({ code: 'NOT_A_CA' }));
  });
});

describe('certificateFingerprint', () => {
  it('is the sha256 of the DER bytes, ignoring PEM line endings', () => {
    const der = Buffer.from(root.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    expect(certificateFingerprint(root)).toBe(sha256Hex(der));
    expect(certificateFingerprint(root.replace(/\n/g, '\r\n'))).toBe(sha256Hex(der));
    expect(certificateFingerprint(root)).not.toBe(certificateFingerprint(otherRoot));
  });
});
