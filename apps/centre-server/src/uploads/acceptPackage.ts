import { randomUUID } from 'node:crypto';
import { type Credential, type VerifiedAnswers, verifyAnswerPackage } from '@exam/centre';
import { inspectPackage } from '@exam/crypto';
import type { Receipt } from '@exam/protocol';
import type { ReceiverExam } from '../options.js';
import { refuse } from './replies.js';

/**
 * The receiver's whole check of a package's bytes before it keeps them: verified as the
 * centre's `verify-answers` does (signature chain, audit chain, approval codes with the exam's
 * keys, reconciliation), then for an exam it receives for, from the site whose certificate
 * sent it, for a sitting that site holds. Throws the typed refusal.
 */
export function checkPackage(
  bytes: Buffer,
  ctx: { clientSiteId: string; centre: Credential; exams: readonly ReceiverExam[]; now: Date },
): { verified: VerifiedAnswers; exam: ReceiverExam } {
  // The manifest's examId (signed, not yet verified) only picks the approval keys to verify with.
  let claimedExam: ReceiverExam | undefined;
  try {
    const meta = inspectPackage(bytes).meta as { examId?: unknown } | undefined;
    claimedExam = ctx.exams.find((e) => e.examId === meta?.examId);
  } catch {
    claimedExam = undefined;
  }
  let verified: VerifiedAnswers;
  try {
    verified = verifyAnswerPackage(bytes, ctx.centre, ctx.now, claimedExam?.approvalKeys);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return refuse(422, 'BAD_PACKAGE', `The answer package does not verify: ${reason}`, { reasons: [reason] });
  }
  const { examId, siteId, sittingId } = verified.package;
  const exam = ctx.exams.find((e) => e.examId === examId);
  if (!exam) return refuse(422, 'UNKNOWN_EXAM', `This receiver does not receive answers for exam ${examId}.`);
  if (exam !== claimedExam) {
    return refuse(422, 'BAD_PACKAGE', 'The package manifest names another exam than its content.', {
      reasons: ['manifest examId differs from the content'],
    });
  }
  if (siteId !== ctx.clientSiteId) {
    return refuse(
      403,
      'WRONG_SITE',
      `The package is from site ${siteId}, but the connection is site ${ctx.clientSiteId}'s.`,
    );
  }
  const site = exam.sites.find((s) => s.siteId === siteId);
  if (!site) return refuse(403, 'WRONG_SITE', `Site ${siteId} is not a site of exam ${examId}.`);
  if (!site.sittingIds.includes(sittingId)) {
    return refuse(422, 'UNKNOWN_SITTING', `Site ${siteId} holds no sitting ${sittingId} in exam ${examId}.`);
  }
  return { verified, exam };
}

/** The receipt's content for a verified package; the store decides version and flag. */
export function receiptFor(
  verified: VerifiedAnswers,
  p: { sha256: string; size: number; receivedAt: Date },
  decided: { version: number; flagged: boolean },
): Receipt {
  const candidates = verified.package.candidates;
  return {
    receiptId: randomUUID(),
    examId: verified.package.examId,
    siteId: verified.siteId,
    sittingId: verified.sittingId,
    packageSha256: p.sha256,
    size: p.size,
    counts: {
      candidates: candidates.length,
      handedIn: candidates.filter((c) => c.status === 'handed-in').length,
      changes: candidates.reduce((n, c) => n + c.changes.length, 0),
    },
    final: verified.finality.kind === 'final',
    version: decided.version,
    flagged: decided.flagged,
    receivedAt: p.receivedAt.toISOString(),
  };
}
