// Test fixtures for standalone packages (`@exam/standalone/testing`): a real test PKI, a real
// machine key, a real sealed paper. For tests and benchmarks only; never imported by an app's
// production code (it pulls in @exam/centre).

import { randomBytes } from 'node:crypto';
import {
  createExamPki,
  type ExamPki,
  idNumberFor,
  juniorTestPaper,
  type SealedPaper,
  sealPaper,
} from '@exam/centre';
import { generateMachineKeyPair, type MachineKeyPair, machineFingerprint, randomKey } from '@exam/crypto';
import type {
  AnswerChange,
  AnswerValue,
  Paper,
  StandaloneAnswerChange,
  StandaloneAnswerFile,
  StandalonePackageContent,
} from '@exam/protocol';
import { hashIdNumber } from './codes.js';

const HOUR = 3_600_000;

export interface StandaloneTestWorld {
  pki: ExamPki;
  /** The target test machine. */
  machine: MachineKeyPair;
  machineFingerprint: string;
  paper: Paper;
  sittingId: string;
  sittingKey: Buffer;
  sealed: SealedPaper;
  /** The site credential as writeStandalonePackage takes it. */
  site: { certPem: string; chainPem: string[]; privateKeyPem: string };
}

export function standaloneTestWorld(
  o: { siteId?: string; items?: number; paper?: Paper; pki?: ExamPki } = {},
): StandaloneTestWorld {
  const pki = o.pki ?? createExamPki(o.siteId ?? '0101');
  const machine = generateMachineKeyPair();
  const paper = o.paper ?? juniorTestPaper(o.items ?? 10);
  const sittingId = 'S-J-ECON';
  const sittingKey = randomKey();
  return {
    pki,
    machine,
    machineFingerprint: machineFingerprint(machine.publicKey),
    paper,
    sittingId,
    sittingKey,
    sealed: sealPaper(paper, sittingId, sittingKey, pki.centre),
    site: { certPem: pki.site.certPem, chainPem: [], privateKeyPem: pki.site.privateKeyPem },
  };
}

/** A well-formed ID number (checksum included) ending in X, so a test can type it in lower case. */
export const TEST_ID_NUMBER = idNumberFor(18);

/** A valid package content for the world's machine; `changes` answer changes already held. */
export function sampleStandaloneContent(
  world: StandaloneTestWorld,
  o: { changes?: number; issuedAt?: Date; packageId?: string; ticketNo?: string; name?: string } = {},
): StandalonePackageContent {
  const packageId = o.packageId ?? randomBytes(16).toString('hex');
  const issuedAt = o.issuedAt ?? new Date();
  const changes = sampleChanges(world.paper, o.changes ?? 3, 1).map(
    (c): AnswerChange => ({
      seq: c.seq,
      itemId: c.itemId,
      value: c.value,
      flagged: c.flagged,
      madeAt: c.madeAt,
    }),
  );
  return {
    formatVersion: 1,
    packageId,
    siteId: world.pki.site.siteId,
    sittingId: world.sittingId,
    roomId: 'R01',
    examDay: issuedAt.toISOString().slice(0, 10),
    issuedAt: issuedAt.toISOString(),
    expiresAt: new Date(issuedAt.getTime() + 12 * HOUR).toISOString(),
    targetMachineFingerprint: world.machineFingerprint,
    candidate: {
      ticketNo: o.ticketNo ?? '210400100001',
      name: o.name ?? '张三',
      photo: null,
      idNumberHash: hashIdNumber(packageId, TEST_ID_NUMBER),
    },
    sitting: { title: world.paper.title, subject: world.paper.subjectCode },
    remainingMs: 60 * 60_000,
    earliestHandInRemainingMs: 15 * 60_000,
    paper: {
      sealed: world.sealed.sealed,
      proof: {
        paperId: world.sealed.paperId,
        paperSha256: world.sealed.paperSha256,
        signature: world.sealed.signature,
      },
      sittingKey: world.sittingKey.toString('base64'),
    },
    changes,
    highestSeq: changes.at(-1)?.seq ?? 0,
    consent: { chiefExaminer: '主考 王五', reason: '考点服务器网络中断', signedAt: issuedAt.toISOString() },
    answerRecipients: { siteCertPem: world.pki.site.certPem, centreCertPem: world.pki.centre.certPem },
  };
}

/** The answer file the target machine writes after `changes` more changes. */
export function sampleAnswerFile(
  world: StandaloneTestWorld,
  content: StandalonePackageContent,
  o: { fileSeq?: number; changes?: number; handIn?: boolean } = {},
): StandaloneAnswerFile {
  const changes = sampleChanges(world.paper, o.changes ?? 5, content.highestSeq + 1);
  const last = changes.at(-1)?.elapsedMs ?? 0;
  return {
    formatVersion: 1,
    packageId: content.packageId,
    fileSeq: o.fileSeq ?? 1,
    siteId: content.siteId,
    sittingId: content.sittingId,
    ticketNo: content.candidate.ticketNo,
    machineFingerprint: world.machineFingerprint,
    writtenElapsedMs: last + 1000,
    changes,
    handIn: o.handIn ? { elapsedMs: last + 500, auto: false, answersHash: '0'.repeat(64) } : null,
  };
}

/** `count` changes cycling over the paper's items, a few seconds apart, from `firstSeq`. */
export function sampleChanges(paper: Paper, count: number, firstSeq: number): StandaloneAnswerChange[] {
  return Array.from({ length: count }, (_, i) => {
    const item = paper.items[i % paper.items.length]!;
    const elapsedMs = (i + 1) * 7_000;
    return {
      seq: firstSeq + i,
      itemId: item.id,
      value: valueFor(item.kind, i),
      flagged: i % 11 === 0,
      madeAt: elapsedMs,
      elapsedMs,
    };
  });
}

function valueFor(kind: Paper['items'][number]['kind'], i: number): AnswerValue {
  const key = 'ABCD'[i % 4]!;
  if (kind === 'single') return key;
  if (kind === 'multiple') return [key, 'ABCD'[(i + 1) % 4]!].sort();
  if (kind === 'truefalse') return i % 2 === 0;
  return `第${i}次作答`;
}
