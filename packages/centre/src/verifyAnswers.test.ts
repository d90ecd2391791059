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

function signedBySite(payload: unknown): Buffer {
  return writePackage({
    kind: 'answers',
    payload: Buffer.from(JSON.stringify(payload)),
    signerCertPem: pki.site.certPem,
    signerPrivateKeyPem: pki.site.privateKeyPem,
    recipientCertPem: pki.centre.certPem,
  });
}

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
    finality: { kind: 'final' },
    candidates: [],
    audit: [{ ...event, prevHash: GENESIS_HASH, hash }],
  };
  return signedBySite(pkg);
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

/** Two candidates of room R1: one handed in, one still answering. */
function candidates(): AnswerPackage['candidates'] {
  const base = { roomId: 'R1', extensionMs: 0, changes: [] };
  return [
    {
      ...base,
      ticketNo: '210400100001',
      seatNo: 1,
      status: 'handed-in',
      handedInAt: 1,
      handInKind: 'manual',
    },
    { ...base, ticketNo: '210400100002', seatNo: 2, status: 'answering', handedInAt: null, handInKind: null },
  ];
}

const header = { examId: 'E', siteId: 'S1', sittingId: 'B1', subjectCode: 'J', exportedAt: 2, audit: [] };

describe('what an answer package says about itself', () => {
  it('reads an interim export as interim, with the rooms not ended and who had not handed in', () => {
    const pkg: AnswerPackage = {
      ...header,
      finality: { kind: 'interim', roomsNotEnded: ['R1', 'R2'] },
      candidates: candidates(),
    };
    const v = verifyAnswerPackage(signedBySite(pkg), pki.centre);
    expect(v.finality).toEqual({ kind: 'interim', roomsNotEnded: ['R1', 'R2'] });
    expect(v.notHandedIn).toEqual([{ ticketNo: '210400100002', roomId: 'R1', status: 'answering' }]);
  });

  it('reads a package from older site software as unstated, not as final', () => {
    const v = verifyAnswerPackage(signedBySite({ ...header, candidates: candidates() }), pki.centre);
    expect(v.finality).toEqual({ kind: 'unstated' });
    expect(v.notHandedIn.map((c) => c.ticketNo)).toEqual(['210400100002']);
  });

  it('refuses a package that calls itself interim without naming a room', () => {
    const pkg = { ...header, finality: { kind: 'interim', roomsNotEnded: [] }, candidates: [] };
    expect(() => verifyAnswerPackage(signedBySite(pkg), pki.centre)).toThrow(AnswerVerificationError);
  });
});
