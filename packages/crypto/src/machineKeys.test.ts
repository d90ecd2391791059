import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generateMachineKeyPair,
  loadMachineSigningKey,
  machineFingerprint,
  machinePublicKeyOf,
  signMachineProof,
  verifyMachineProof,
} from './machineKeys.js';

describe('machine keys', () => {
  it('signs a proof that only the same key verifies', () => {
    const a = generateMachineKeyPair();
    const b = generateMachineKeyPair();
    const sig = signMachineProof(a.privateKeyPem, 'exam-machine-proof\nS1\nabc');
    expect(verifyMachineProof(a.publicKey, 'exam-machine-proof\nS1\nabc', sig)).toBe(true);
    expect(verifyMachineProof(a.publicKey, 'exam-machine-proof\nS2\nabc', sig)).toBe(false);
    expect(verifyMachineProof(b.publicKey, 'exam-machine-proof\nS1\nabc', sig)).toBe(false);
    expect(verifyMachineProof(a.publicKey, 'x', 'not base64 at all')).toBe(false);
  });

  it('fingerprints the SPKI bytes and refuses keys that are not Ed25519', () => {
    const a = generateMachineKeyPair();
    expect(Buffer.from(a.publicKey, 'base64')).toHaveLength(44);
    expect(machineFingerprint(a.publicKey)).toMatch(/^[0-9a-f]{64}$/);
    expect(machinePublicKeyOf(a.privateKeyPem)).toBe(a.publicKey);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecDer = ec.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    expect(() => machineFingerprint(ecDer)).toThrow(/Ed25519/);
    expect(() => machineFingerprint('AAAA')).toThrow(/Ed25519/);
    // Same length as an Ed25519 SPKI, another algorithm: refused by its OID.
    const x = generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'der' });
    expect(x).toHaveLength(44);
    expect(() => machineFingerprint(x.toString('base64'))).toThrow(/Ed25519/);
    const longer = Buffer.concat([Buffer.from(a.publicKey, 'base64'), Buffer.from([0])]);
    expect(() => machineFingerprint(longer.toString('base64'))).toThrow(/Ed25519/);
  });

  it('signs with a key read once as with the stored key', () => {
    const a = generateMachineKeyPair();
    const loaded = loadMachineSigningKey(a.privateKeyPem);
    const text = 'exam-machine-proof\nS1\nxyz';
    expect(verifyMachineProof(a.publicKey, text, signMachineProof(loaded, text))).toBe(true);
    expect(() =>
      loadMachineSigningKey(
        generateKeyPairSync('ec', { namedCurve: 'P-256' })
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
      ),
    ).toThrow(/Ed25519/);
  });
});
