import { randomKey, writePackage } from '@exam/crypto';
import { arrangementProblems } from '@exam/domain';
import {
  type Authorization,
  authorizationSchema,
  type CandidateDef,
  type ExamData,
  examDataSchema,
  type Paper,
  paperSchema,
  type SittingDef,
} from '@exam/protocol';
import type { Credential } from './pki.js';
import { sealPaper } from './sealPaper.js';

export interface ExamSpec {
  examId: string;
  examName: string;
  /** `overbooked`: some room seats more candidates than machines (annex 4); default false. */
  site: { siteId: string; name: string; overbooked?: boolean };
  /** Whom backups are sealed for (issue 18): `provinceRef(pki)`. */
  province: ExamData['province'];
  arrangementTimestamp: string;
  rooms: ExamData['rooms'];
  sittings: (SittingDef & { paper: Paper })[];
  candidates: CandidateDef[];
  /** Proctor and chief keys registered for this exam (fingerprints of their certificates). */
  registeredKeys?: ExamData['registeredKeys'];
}

/** The exam's rooms and candidates break the overbooking rules (annex 4): nothing was built. */
export class ArrangementError extends Error {
  constructor(readonly problems: string[]) {
    super(`The arrangement cannot be run: ${problems.join(' ')}`);
    this.name = 'ArrangementError';
  }
}

export interface BuiltExam {
  examData: Buffer;
  authorization: Buffer;
  /** Kept by the centre; in the demo also used to check the site sealed nothing wrongly. */
  sittingKeys: Map<string, Buffer>;
  /** The keys approval codes are issued with: the province's and the centre's. */
  approvalKeys: { province: Buffer; centre: Buffer };
}

/**
 * Centre side: seals each paper with its own sitting key, then puts the exam data and the
 * authorization (the keys) in two separate signed packages for one site, so the papers can
 * travel days ahead and stay unreadable until the keys arrive.
 */
export function buildExamPackages(
  spec: ExamSpec,
  centre: Credential,
  siteCertPem: string,
  validity: { validFrom: Date; validUntil: Date },
  now = new Date(),
): BuiltExam {
  // The site refuses such an arrangement at import; the centre says so before sealing anything.
  const problems = arrangementProblems(spec.rooms, spec.candidates, spec.site.overbooked ?? false);
  if (problems.length > 0) throw new ArrangementError(problems);
  if (!spec.province?.certPem) {
    throw new Error('The exam names no province certificate: give the spec `province: provinceRef(pki)`.');
  }
  const sittingKeys = new Map<string, Buffer>();
  const papers = spec.sittings.map((s) => {
    const paper = paperSchema.parse(s.paper);
    const key = randomKey();
    sittingKeys.set(s.sittingId, key);
    return sealPaper(paper, s.sittingId, key, centre);
  });
  const examData: ExamData = examDataSchema.parse({
    examId: spec.examId,
    examName: spec.examName,
    site: spec.site,
    province: spec.province,
    arrangementTimestamp: spec.arrangementTimestamp,
    rooms: spec.rooms,
    sittings: spec.sittings.map(({ paper: _paper, ...s }) => s),
    candidates: spec.candidates,
    papers,
    registeredKeys: spec.registeredKeys ?? [],
  });
  const approvalKeys = { province: randomKey(), centre: randomKey() };
  const pack = (kind: 'exam-data', payload: unknown, meta: Record<string, unknown>) =>
    writePackage({
      kind,
      payload: Buffer.from(JSON.stringify(payload)),
      meta,
      signerCertPem: centre.certPem,
      signerPrivateKeyPem: centre.privateKeyPem,
      recipientCertPem: siteCertPem,
      now,
    });
  return {
    examData: pack('exam-data', examData, {
      examId: spec.examId,
      siteId: spec.site.siteId,
      candidates: spec.candidates.length,
    }),
    authorization: buildAuthorizationPackage(
      { examId: spec.examId, siteId: spec.site.siteId, sittingKeys, approvalKeys },
      centre,
      siteCertPem,
      validity,
      now,
    ),
    sittingKeys,
    approvalKeys,
  };
}

export interface AuthorizationContent {
  examId: string;
  siteId: string;
  sittingKeys: Map<string, Buffer>;
  approvalKeys: { province: Buffer; centre: Buffer };
}

/**
 * The authorization package alone: the keys that open one site's papers, stamped with
 * `issuedAt` (`now`). A centre re-issues one (a later validity, say) with the same keys; the
 * site takes it only if it is newer than the one it holds and its keys open the papers.
 */
export function buildAuthorizationPackage(
  content: AuthorizationContent,
  centre: Credential,
  siteCertPem: string,
  validity: { validFrom: Date; validUntil: Date },
  now = new Date(),
): Buffer {
  const authorization: Authorization = authorizationSchema.parse({
    examId: content.examId,
    siteId: content.siteId,
    issuedAt: now.toISOString(),
    validFrom: validity.validFrom.toISOString(),
    validUntil: validity.validUntil.toISOString(),
    sittingKeys: [...content.sittingKeys].map(([sittingId, key]) => ({
      sittingId,
      key: key.toString('base64'),
    })),
    approvalKeys: {
      province: content.approvalKeys.province.toString('base64'),
      centre: content.approvalKeys.centre.toString('base64'),
    },
  });
  return writePackage({
    kind: 'authorization',
    payload: Buffer.from(JSON.stringify(authorization)),
    meta: { examId: content.examId, siteId: content.siteId },
    signerCertPem: centre.certPem,
    signerPrivateKeyPem: centre.privateKeyPem,
    recipientCertPem: siteCertPem,
    now,
  });
}
