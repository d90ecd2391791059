import { describe, expect, it } from 'vitest';
import { machineHelloSchema, machineStatusSchema } from './machine.js';
import { displayFingerprint, machineFingerprintSchema, machineProofText } from './machineProof.js';

describe('machine proofs', () => {
  it('signs the site and the challenge, one per line, behind a fixed prefix', () => {
    expect(machineProofText('SITE-T', 'Y2hhbGxlbmdl')).toBe('exam-machine-proof\nSITE-T\nY2hhbGxlbmdl');
  });

  it('shows people the first 16 hex digits in groups of four, upper case', () => {
    const fp = `3f2a91c07d110b9e${'0'.repeat(48)}`;
    expect(machineFingerprintSchema.safeParse(fp).success).toBe(true);
    expect(displayFingerprint(fp)).toBe('3F2A-91C0-7D11-0B9E');
    expect(machineFingerprintSchema.safeParse(fp.toUpperCase()).success).toBe(false);
  });

  it('refuses a public key past 100 bytes and a status it does not know', () => {
    expect(machineHelloSchema.safeParse({ publicKey: 'A'.repeat(136), clientVersion: '1' }).success).toBe(
      true,
    );
    expect(machineHelloSchema.safeParse({ publicKey: 'A'.repeat(140), clientVersion: '1' }).success).toBe(
      false,
    );
    expect(machineStatusSchema.safeParse({ status: 'trusted', fingerprint: 'f' }).success).toBe(false);
  });
});
