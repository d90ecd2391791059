import { canonicalJson, sign, verifyCertificate, verifySignature } from '@exam/crypto';
import { type Receipt, type SignedReceipt, signedReceiptSchema } from '@exam/protocol';
import type { Credential } from './pki.js';

/**
 * The receiver's receipt for an answer package (issue 18): signed by the receiver's key over
 * the receipt's canonical JSON, so the site (and anyone later) can show the centre received
 * exactly these bytes for this site and sitting.
 */
export function signReceipt(receipt: Receipt, receiver: Credential): SignedReceipt {
  return {
    receipt,
    signature: sign(canonicalJson(receipt), receiver.privateKeyPem).toString('base64'),
    receiverCertPem: receiver.certPem,
  };
}

export class ReceiptVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReceiptVerificationError';
  }
}

export interface ReceiptExpectations {
  centreRootPem: string;
  expectedSiteId: string;
  expectedSittingId: string;
  expectedSha256: string;
  /** When to check the receiver's certificate at (default now). */
  at?: Date;
}

/**
 * Checks a signed receipt: its shape, the receiver's certificate (chains to the centre root,
 * role 'receiver'), the signature, and that it is for this site, sitting and package. A
 * receipt replayed for another sitting or another package is refused. Returns the receipt.
 */
export function verifyReceipt(signed: unknown, expect: ReceiptExpectations): Receipt {
  const parsed = signedReceiptSchema.safeParse(signed);
  if (!parsed.success) throw new ReceiptVerificationError('The receipt does not have the receipt form.');
  const { receipt, signature, receiverCertPem } = parsed.data;
  let role: string;
  try {
    role = verifyCertificate(receiverCertPem, {
      trustedRootPem: expect.centreRootPem,
      at: expect.at ?? new Date(),
    }).subject.role;
  } catch (cause) {
    throw new ReceiptVerificationError(
      `The receipt's signer is not trusted: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
  if (role !== 'receiver') {
    throw new ReceiptVerificationError(`The receipt is signed by a ${role} certificate, not the receiver's.`);
  }
  if (!verifySignature(canonicalJson(receipt), Buffer.from(signature, 'base64'), receiverCertPem)) {
    throw new ReceiptVerificationError('The receipt signature does not verify.');
  }
  const mismatch = (what: string, got: string, want: string) =>
    new ReceiptVerificationError(`The receipt is for ${what} ${got}, not ${want}.`);
  if (receipt.siteId !== expect.expectedSiteId) throw mismatch('site', receipt.siteId, expect.expectedSiteId);
  if (receipt.sittingId !== expect.expectedSittingId)
    throw mismatch('sitting', receipt.sittingId, expect.expectedSittingId);
  if (receipt.packageSha256 !== expect.expectedSha256.toLowerCase())
    throw mismatch('the package', receipt.packageSha256, expect.expectedSha256);
  return receipt;
}
