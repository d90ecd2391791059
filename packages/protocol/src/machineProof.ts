import { z } from 'zod';

/**
 * What a test machine signs to prove it holds its key (issue 16): the site and a fresh
 * challenge, so a proof made for one site or one connection is worth nothing elsewhere.
 * Pure text handling only: the key work is Node's (`@exam/crypto` machineKeys), and a
 * renderer may import this module to show a fingerprint.
 */
export const MACHINE_PROOF_PREFIX = 'exam-machine-proof';

export function machineProofText(siteId: string, challenge: string): string {
  return `${MACHINE_PROOF_PREFIX}\n${siteId}\n${challenge}`;
}

/** A machine's identity: hex SHA-256 of its public key (SPKI DER), lower case. */
export const machineFingerprintSchema = z.string().regex(/^[0-9a-f]{64}$/);

/** How people read a fingerprint: its first 16 hex digits in groups of 4 ("3F2A-91C0-7D11-0B9E"). */
export function displayFingerprint(fingerprint: string): string {
  const head = fingerprint.slice(0, 16).toUpperCase();
  return head.match(/.{1,4}/g)?.join('-') ?? head;
}
