import { chainHash, GENESIS_HASH, issueApprovalCode, randomKey, writePackage } from '@exam/crypto';
import { type AnswerPackage, auditLinkPayload } from '@exam/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { createExamPki, type ExamPki } from './pki.js';
import { AnswerVerificationError, verifyAnswerPackage } from './verifyAnswers.js';

let pki: ExamPki;
const keys = { province: randomKey(), centre: randomKey() };
const approval = {
  kind: 'extension' as const,
  authority: 'province' as const,
  siteId: 'S1',
  roomId: 'R1',
  sittingId: 'B1',
  date: '2021-10-23',
  tickets: ['210400100001'],
  minutes: 15,
};

beforeAll(() => {
  pki = createExamPki('S1');
});

/** A package as a site would sign it, whose audit chain records one extension with a code. */
function packageWithCode(code: string): Buffer {
  const event = {
    seq: 1,
    at: 1,
    actorRole: 'proctor',
    actorId: 'p',
    action: 'time.extended',
    subject: 'R1/B1',
    data: { tickets: approval.tickets, minutes: 15, authority: 'province-code', code, approval },
  };
  const hash = chainHash(GENESIS_HASH, auditLinkPayload(event));
  const pkg: AnswerPackage = {
    examId: 'E',
    siteId: 'S1',
    sittingId: 'B1',
    subjectCode: 'J',
    exportedAt: 2,
    candidates: [],
    audit: [{ ...event, prevHash: GENESIS_HASH, hash }],
  };
  return writePackage({
    kind: 'answers',
    payload: Buffer.from(JSON.stringify(pkg)),
    signerCertPem: pki.site.certPem,
    signerPrivateKeyPem: pki.site.privateKeyPem,
    recipientCertPem: pki.centre.certPem,
  });
}

describe('centre re-check of approval codes', () => {
  it('re-checks each code the site used against what it authorised', () => {
    const v = verifyAnswerPackage(
      packageWithCode(issueApprovalCode(keys.province, approval)),
      pki.centre,
      new Date(),
      keys,
    );
    expect(v.approvalCodes).toEqual({ checked: 1, failed: [] });
  });

  it('refuses a package whose site recorded a code the province never issued', () => {
    const forged = packageWithCode('7K3M9-QX2PD');
    expect(() => verifyAnswerPackage(forged, pki.centre, new Date(), keys)).toThrow(AnswerVerificationError);
    // Without the keys the centre can still read it, and says nothing was re-checked.
    expect(verifyAnswerPackage(forged, pki.centre).approvalCodes).toEqual({ checked: 0, failed: [] });
  });
});
