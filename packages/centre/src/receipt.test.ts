import { X509Certificate } from 'node:crypto';
import type { Receipt } from '@exam/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { createExamPki, type ExamPki, issueReceiverTlsCredential, RECEIVER_HOST_NAME } from './pki.js';
import { ReceiptVerificationError, signReceipt, verifyReceipt } from './receipt.js';

let pki: ExamPki;
let receiver: ReturnType<typeof issueReceiverTlsCredential>;
const SHA = 'a'.repeat(64);
const receipt: Receipt = {
  receiptId: 'r-1',
  examId: 'E1',
  siteId: 'S1',
  sittingId: 'B1',
  packageSha256: SHA,
  size: 1234,
  counts: { candidates: 3, handedIn: 2, changes: 40 },
  final: true,
  version: 1,
  flagged: false,
  receivedAt: '2026-12-02T08:00:00.000Z',
};
const expected = () => ({
  centreRootPem: pki.centre.certPem,
  expectedSiteId: 'S1',
  expectedSittingId: 'B1',
  expectedSha256: SHA,
});

beforeAll(() => {
  pki = createExamPki('S1');
  receiver = issueReceiverTlsCredential(pki.centre);
});

describe('the receiver credential', () => {
  it('is a TLS server certificate for the receiver name, issued by the centre root', () => {
    const cert = new X509Certificate(receiver.certPem);
    expect(receiver.hostName).toBe(RECEIVER_HOST_NAME);
    expect(cert.subjectAltName).toBe(`DNS:${RECEIVER_HOST_NAME}`);
    expect(cert.checkIssued(new X509Certificate(pki.centre.certPem))).toBe(true);
    expect(cert.subject).toContain('OU=receiver');
  });
});

describe('verifyReceipt', () => {
  it('accepts the receiver-signed receipt for this site, sitting and package', () => {
    expect(verifyReceipt(signReceipt(receipt, receiver), expected())).toEqual(receipt);
  });

  it('refuses a receipt replayed for another sitting, site or package', () => {
    const signed = signReceipt(receipt, receiver);
    for (const other of [
      { expectedSittingId: 'B2' },
      { expectedSiteId: 'S2' },
      { expectedSha256: 'b'.repeat(64) },
    ]) {
      expect(() => verifyReceipt(signed, { ...expected(), ...other })).toThrow(ReceiptVerificationError);
    }
  });

  it('refuses a receipt whose content was changed after signing', () => {
    const signed = signReceipt(receipt, receiver);
    const changed = { ...signed, receipt: { ...signed.receipt, counts: { ...receipt.counts, handedIn: 3 } } };
    expect(() => verifyReceipt(changed, expected())).toThrow(/signature does not verify/);
  });

  it('refuses a receipt signed by a site key, or by a receiver under another root', () => {
    expect(() => verifyReceipt(signReceipt(receipt, pki.site), expected())).toThrow(/site certificate/);
    const elsewhere = issueReceiverTlsCredential(createExamPki('S1').centre);
    expect(() => verifyReceipt(signReceipt(receipt, elsewhere), expected())).toThrow(/not trusted/);
  });

  it('refuses something that is not a receipt', () => {
    expect(() => verifyReceipt({ receipt }, expected())).toThrow(ReceiptVerificationError);
  });
});
