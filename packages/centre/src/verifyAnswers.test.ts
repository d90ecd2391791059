import { chainHash, GENESIS_HASH, issueApprovalCode, randomKey, writePackage } from '@exam/crypto';
import { type AnswerPackage, auditLinkPayload } from '@exam/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { createExamPki, type ExamPki } from './pki.js';
import { handInDigest } from './reconcile.js';
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

/** Hash-chains `events` as the site's audit log does. */
function chain(
  events: { action: string; subject: string; data: unknown; at?: number }[],
): AnswerPackage['audit'] {
  let prev = GENESIS_HASH;
  return events.map((e, i) => {
    const event = { seq: i + 1, at: e.at ?? i + 1, actorRole: 'proctor', actorId: 'p', ...e };
    const hash = chainHash(prev, auditLinkPayload(event));
    const linked = { ...event, prevHash: prev, hash };
    prev = hash;
    return linked;
  });
}

/** Room R1 started on time and the first candidate handed in with no answers: all audited. */
const header = {
  examId: 'E',
  siteId: 'S1',
  sittingId: 'B1',
  subjectCode: 'J',
  exportedAt: 2,
  audit: chain([
    {
      action: 'sitting.started',
      subject: 'R1/B1',
      data: { authority: 'on-time', reason: null, code: null, approval: null, delayMs: 0 },
    },
    {
      action: 'candidate.handed-in',
      subject: '210400100001/B1',
      data: { handedInAt: 1, answersSha256: handInDigest([]) },
    },
  ]),
};

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

  it('keeps each change’s made-at time as the site packaged it, and refuses one that is not a time', () => {
    const [handedIn, answering] = candidates();
    const change = { seq: 1, itemId: 'J-001', value: 'A', flagged: false, madeAt: 6_500, receivedAt: 7_000 };
    const pkg = (c: unknown) => ({
      ...header,
      finality: { kind: 'final' },
      candidates: [{ ...handedIn!, changes: [c] }, answering],
    });
    const v = verifyAnswerPackage(signedBySite(pkg(change)), pki.centre);
    expect(v.package.candidates[0]!.changes).toEqual([change]);
    expect(v.candidates[0]).toMatchObject({ changes: 1, itemsAnswered: 1 });
    for (const madeAt of [-1, 1.5, '6500']) {
      expect(() => verifyAnswerPackage(signedBySite(pkg({ ...change, madeAt })), pki.centre)).toThrow(
        AnswerVerificationError,
      );
    }
  });

  it('lists each late arrival with its candidate, when it was made and when the site received it', () => {
    const [handedIn, answering] = candidates();
    const inTime = { seq: 1, itemId: 'J-001', value: 'A', flagged: false, madeAt: 6_500, receivedAt: 7_000 };
    const late = { ...inTime, seq: 2, itemId: 'J-002', madeAt: 8_000, receivedAt: 90_000, lateArrival: true };
    const pkg = {
      ...header,
      finality: { kind: 'final' },
      candidates: [{ ...handedIn!, changes: [{ ...inTime, lateArrival: false }, late] }, answering],
    };
    const v = verifyAnswerPackage(signedBySite(pkg), pki.centre);
    expect(v.lateArrivals).toEqual([
      {
        ticketNo: handedIn!.ticketNo,
        roomId: handedIn!.roomId,
        seq: 2,
        itemId: 'J-002',
        madeAt: 8_000,
        receivedAt: 90_000,
      },
    ]);
    // A package from before the mark existed has none.
    const old = {
      ...header,
      finality: { kind: 'final' },
      candidates: [{ ...handedIn!, changes: [inTime] }, answering],
    };
    expect(verifyAnswerPackage(signedBySite(old), pki.centre).lateArrivals).toEqual([]);
  });

  it('reads a change from older site software, packaged without a made-at time, as made when received', () => {
    const [handedIn, answering] = candidates();
    const change = { seq: 1, itemId: 'J-001', value: 'A', flagged: false, receivedAt: 7_000 };
    const pkg = { ...header, candidates: [{ ...handedIn!, changes: [change] }, answering] };
    const v = verifyAnswerPackage(signedBySite(pkg), pki.centre);
    expect(v.package.candidates[0]!.changes).toEqual([{ ...change, madeAt: 7_000 }]);
    expect(v.candidates[0]).toMatchObject({ changes: 1, itemsAnswered: 1 });
  });

  it('refuses a package that calls itself interim without naming a room', () => {
    const pkg = { ...header, finality: { kind: 'interim', roomsNotEnded: [] }, candidates: [] };
    expect(() => verifyAnswerPackage(signedBySite(pkg), pki.centre)).toThrow(AnswerVerificationError);
  });
});

/** A package signed by the site whose audit chain holds `events` (hash-chained here). */
function packageWith(
  events: { action: string; subject: string; data: unknown; at?: number }[],
  extra: Partial<AnswerPackage> = {},
): Buffer {
  return signedBySite({
    ...header,
    finality: { kind: 'final' },
    candidates: [],
    ...extra,
    audit: chain(events),
  });
}

const TICKET = approval.tickets[0]!;
const extended = (minutes: number, authority: string, code: string | null) => ({
  action: 'time.extended',
  subject: 'R1/B1',
  data: {
    tickets: [TICKET],
    minutes,
    authority,
    code,
    reason: 'machine failure',
    approval: code ? { ...approval, minutes } : null,
  },
});
const answering = (extensionMs: number): AnswerPackage['candidates'] => [
  {
    ticketNo: TICKET,
    roomId: 'R1',
    seatNo: 1,
    status: 'answering',
    handedInAt: null,
    handInKind: null,
    extensionMs,
    changes: [],
  },
];
const started = {
  action: 'sitting.started',
  subject: 'R1/B1',
  data: { authority: 'on-time', reason: null, code: null, approval: null, delayMs: 0 },
};
const verify = (bytes: Buffer) => verifyAnswerPackage(bytes, pki.centre, new Date(), keys);

describe('centre reconciliation of extensions, starts and hand-ins with the audit chain', () => {
  it('accepts a candidate’s extra time backed by its audit event and a valid province code', () => {
    const code = issueApprovalCode(keys.province, { ...approval, minutes: 15 });
    const v = verify(
      packageWith([started, extended(15, 'province-code', code)], { candidates: answering(15 * 60_000) }),
    );
    expect(v.reconciliation).toMatchObject({ problems: [], extensionsChecked: 1, startsChecked: 1 });
  });

  it('refuses extra time the audit chain does not grant, naming the candidate and room', () => {
    const code = issueApprovalCode(keys.province, { ...approval, minutes: 15 });
    const bytes = packageWith([started, extended(15, 'province-code', code)], {
      candidates: answering(65 * 60_000),
    });
    expect(() => verify(bytes)).toThrow(
      `Candidate ${TICKET} in room R1 has 65 minutes of extra time in the sittings data, but the audit chain grants 15 minutes`,
    );
  });

  it('refuses a coded extension recorded without its code, or recorded as the proctor’s own', () => {
    const noCode = packageWith([started, extended(15, 'province-code', null)], {
      candidates: answering(15 * 60_000),
    });
    expect(() => verify(noCode)).toThrow('needed a province approval code but records none');
    const asProctor = packageWith([started, extended(15, 'proctor', null)], {
      candidates: answering(15 * 60_000),
    });
    expect(() => verify(asProctor)).toThrow(
      "recorded as proctor, but the candidates' totals needed province-code",
    );
  });

  it('refuses a code used for other minutes than it was issued for, and one used twice', () => {
    const code = issueApprovalCode(keys.province, { ...approval, minutes: 15 });
    const other = extended(20, 'province-code', code);
    (other.data as { approval: unknown }).approval = { ...approval, minutes: 15 };
    expect(() => verify(packageWith([started, other], { candidates: answering(20 * 60_000) }))).toThrow(
      'is not for what was done',
    );
    const twice = packageWith(
      [started, extended(15, 'province-code', code), extended(15, 'province-code', code)],
      { candidates: answering(30 * 60_000) },
    );
    expect(() => verify(twice)).toThrow(`uses approval code ${code} again`);
  });

  it('refuses a 40-minute late start without a province code, and a room started with no start event', () => {
    const late = { ...started, data: { ...started.data, authority: 'province-code', delayMs: 40 * 60_000 } };
    expect(() => verify(packageWith([late], { candidates: answering(0) }))).toThrow(
      'needed a province approval code but records none',
    );
    expect(() => verify(packageWith([], { candidates: answering(0) }))).toThrow(
      'Room R1 started in the sittings data, but the audit chain has no start event for it.',
    );
  });

  it('refuses a handed-in candidate whose answers differ from the hash recorded at hand-in', () => {
    const change = { seq: 1, itemId: 'J-001', value: 'A', flagged: false, receivedAt: 5, madeAt: 5 };
    const handedIn = (answersSha256: string) => ({
      action: 'candidate.handed-in',
      subject: `${TICKET}/B1`,
      at: 10,
      data: { handedInAt: 10, answersSha256 },
    });
    const later = { ...change, seq: 2, itemId: 'J-002', receivedAt: 11, madeAt: 9 };
    const candidates = (value: string, ...more: (typeof change)[]): AnswerPackage['candidates'] => [
      {
        ...answering(0)[0]!,
        status: 'handed-in',
        handedInAt: 10,
        handInKind: 'manual',
        changes: [{ ...change, value }, ...more],
      },
    ];
    const digest = handInDigest([change]);
    expect(
      verify(packageWith([started, handedIn(digest)], { candidates: candidates('A') })).reconciliation
        .handInsChecked,
    ).toBe(1);
    expect(() => verify(packageWith([started, handedIn(digest)], { candidates: candidates('B') }))).toThrow(
      'differ from those recorded at hand-in',
    );
    // A change stored after the digest was taken (a late arrival) does not hide the check.
    expect(() =>
      verify(packageWith([started, handedIn(digest)], { candidates: candidates('A', later) })),
    ).not.toThrow();
    expect(() =>
      verify(packageWith([started, handedIn(digest)], { candidates: candidates('B', later) })),
    ).toThrow('differ from those recorded at hand-in');
  });
});
