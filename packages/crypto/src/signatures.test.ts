import { beforeAll, describe, expect, it } from 'vitest';
import { createRootCertificate } from './certificates.js';
import { generateKeyPair, type KeyPair } from './keys.js';
import { sign, verifySignature } from './signatures.js';
import { unwrapKey, wrapKey } from './wrap.js';

// Keys once per file: RSA key generation is the slow part.
let keys: KeyPair;
let other: KeyPair;
let cert: string;
beforeAll(() => {
  keys = generateKeyPair();
  other = generateKeyPair();
  cert = createRootCertificate({ commonName: 'Root', keyPair: keys, validDays: 1 });
});

describe('sign / verifySignature (RSA-PSS SHA-256)', () => {
  it('verifies its own signature with the public key', () => {
    const sig = sign('manifest bytes', keys.privateKeyPem);
    expect(sig.length).toBe(256);
    expect(verifySignature('manifest bytes', sig, keys.publicKeyPem)).toBe(true);
  });

  it('verifies with a certificate PEM as well as a public key', () => {
    expect(verifySignature(Buffer.from('data'), sign('data', keys.privateKeyPem), cert)).toBe(true);
  });

  it('refuses altered data, an altered signature and another key', () => {
    const sig = sign('data', keys.privateKeyPem);
    expect(verifySignature('datA', sig, keys.publicKeyPem)).toBe(false);
    const bad = Buffer.from(sig);
    bad[10] = (bad[10] ?? 0) ^ 1;
    expect(verifySignature('data', bad, keys.publicKeyPem)).toBe(false);
    expect(verifySignature('data', sig, other.publicKeyPem)).toBe(false);
    expect(verifySignature('data', Buffer.alloc(0), keys.publicKeyPem)).toBe(false);
  });

  it('uses a randomised (PSS) scheme: two signatures of the same data differ', () => {
    expect(sign('x', keys.privateKeyPem).equals(sign('x', keys.privateKeyPem))).toBe(false);
  });

  it('throws BAD_KEY for a key that cannot be read', () => {
    expect(() => verifySignature('x', Buffer.alloc(256), 'not a key')).toThrow(
      expect.objectContaining({ code: 'BAD_KEY' }),
    );
  });
});

describe('wrapKey / unwrapKey (RSA-OAEP SHA-256)', () => {
  it('round-trips a 32-byte key', () => {
    const key = Buffer.alloc(32, 7);
    const wrapped = wrapKey(key, keys.publicKeyPem);
    expect(wrapped.length).toBe(256);
    expect(unwrapKey(wrapped, keys.privateKeyPem).equals(key)).toBe(true);
  });

  it('wraps for a certificate PEM', () => {
    expect(
      unwrapKey(wrapKey(Buffer.alloc(32, 1), cert), keys.privateKeyPem).equals(Buffer.alloc(32, 1)),
    ).toBe(true);
  });

  it('refuses to unwrap with another private key or after tampering', () => {
    const wrapped = wrapKey(Buffer.alloc(32, 7), keys.publicKeyPem);
    expect(() => unwrapKey(wrapped, other.privateKeyPem)).toThrow(
      expect.objectContaining({ code: 'UNWRAP_FAILED' }),
    );
    const bad = Buffer.from(wrapped);
    bad[0] = (bad[0] ?? 0) ^ 1;
    expect(() => unwrapKey(bad, keys.privateKeyPem)).toThrow(
      expect.objectContaining({ code: 'UNWRAP_FAILED' }),
    );
  });
});
