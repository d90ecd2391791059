import { beforeAll, describe, expect, it } from 'vitest';
import { createRootCertificate, issueCertificate } from './certificates.js';
import { generateKeyPair, type KeyPair } from './keys.js';
import { fromPkcs12, toPkcs12 } from './pkcs12.js';

let rootKeys: KeyPair;
let siteKeys: KeyPair;
let root: string;
let site: string;
let p12: Buffer;

beforeAll(() => {
  rootKeys = generateKeyPair();
  siteKeys = generateKeyPair();
  root = createRootCertificate({ commonName: 'Root', keyPair: rootKeys, validDays: 10 });
  site = issueCertificate({
    issuerCertPem: root,
    issuerPrivateKeyPem: rootKeys.privateKeyPem,
    subject: { commonName: 'Site 0101', role: 'site', siteId: '0101' },
    publicKeyPem: siteKeys.publicKeyPem,
    validDays: 10,
  });
  p12 = toPkcs12({ certPem: site, privateKeyPem: siteKeys.privateKeyPem, chainPem: [root], pin: '246810' });
});

describe('PKCS#12 key files', () => {
  it('round-trips the certificate, the PKCS#8 private key and the chain', () => {
    const opened = fromPkcs12(p12, '246810');
    expect(opened.certPem).toBe(site);
    expect(opened.privateKeyPem).toBe(siteKeys.privateKeyPem);
    expect(opened.chainPem).toEqual([root]);
  });

  it('refuses a wrong PIN with BAD_PIN', () => {
    expect(() => fromPkcs12(p12, '246811')).toThrow(expect.objectContaining({ code: 'BAD_PIN' }));
  });

  it('refuses a file that is not PKCS#12', () => {
    expect(() => fromPkcs12(Buffer.from('not a p12 file'), '246810')).toThrow(
      expect.objectContaining({ code: 'MALFORMED_PKCS12' }),
    );
  });

  it('refuses to package a key with a certificate that is not its own', () => {
    expect(() => toPkcs12({ certPem: root, privateKeyPem: siteKeys.privateKeyPem, pin: '1' })).toThrow(
      expect.objectContaining({ code: 'KEY_MISMATCH' }),
    );
  });
});
