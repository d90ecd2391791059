import { randomBytes } from 'node:crypto';
import { endsAt } from '@exam/domain';
import {
  ERROR_CODES,
  ProtocolError,
  type StandaloneExportRequest,
  type StandaloneExportResult,
  type StandalonePackageContent,
} from '@exam/protocol';
import {
  hashIdNumber,
  newStandaloneCode,
  standalonePackageDates,
  standalonePackageFileName,
  writeStandalonePackage,
} from '@exam/standalone';
import { listChanges, maxSeq } from '../answers/answersTable.js';
import type { Actor } from '../audit/actor.js';
import { actorName } from '../audit/actor.js';
import { appendAudit } from '../audit/auditLog.js';
import { getCandidateSitting, releaseFromMachine } from '../candidates/candidateSittingsTable.js';
import { getCandidatePhoto } from '../candidates/candidatesTable.js';
import { writeTransaction } from '../db/transactions.js';
import { liveBinding } from '../machines/machineBindingsTable.js';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';
import { getPaperProof } from '../sittings/paperProofsTable.js';
import { getSitting } from '../sittings/sittingsTable.js';
import { candidateTiming } from '../sittings/views.js';
import { useConsentChallenge, verifyConsent } from './consent.js';
import { exportedPackageOf, insertStandalonePackage, markCancelled } from './standalonePackagesTable.js';
import { standaloneSittingOf } from './standaloneSitting.js';

/** The package file's name on the stick (one name, whoever builds it): see @exam/standalone. */
export { standalonePackageFileName };

/** A package recorded out whose file could not be written: cancelled, and the chain says why. */
function abandonExport(ctx: SiteContext, packageId: string, subject: string, at: number): void {
  writeTransaction(ctx.db, () => {
    markCancelled(ctx.db, packageId, at, 'system:site', 'the package file could not be written');
    appendAudit(ctx.db, at, {
      actorRole: 'system',
      actorId: 'site',
      action: 'standalone.cancelled',
      subject,
      data: { packageId, reason: 'the package file could not be written' },
    });
  });
}

/**
 * Export: with the chief examiner's consent, the candidate's sitting leaves the site for one
 * approved test machine. The package is built from the server's own data (the sealed paper
 * and its proof and the sitting key as delivered online, every change held, the remaining
 * time on the server's clock), signed with the site key and locked under a fresh code that
 * is returned once and kept nowhere. In the same transaction the candidate's live session is
 * revoked, so from now on they can neither save nor log in online until the package is
 * collected or cancelled; the audit event keeps the consent as signed, never the code.
 */
export function exportStandalonePackage(
  ctx: SiteContext,
  actor: Actor,
  roomId: string,
  connectionId: string,
  req: StandaloneExportRequest,
): StandaloneExportResult {
  const siteId = getMeta(ctx.db, 'siteId');
  const centreCertPem = getMeta(ctx.db, 'centreCertPem');
  if (!siteId || !centreCertPem)
    throw new ProtocolError(ERROR_CODES.NOT_READY, 'No exam data has been imported.');
  const { candidate, cs, rs } = standaloneSittingOf(ctx, roomId, req.ticketNo);
  const sittingId = cs.sitting_id;
  // Consent first: without it nothing below is even looked at.
  const consent = verifyConsent(ctx, req.consent, connectionId, {
    action: 'export',
    siteId,
    sittingId,
    ticketNo: req.ticketNo,
    subject: req.targetMachineFingerprint,
    reason: req.reason,
  });
  if (exportedPackageOf(ctx.db, req.ticketNo)) {
    throw new ProtocolError(
      ERROR_CODES.STANDALONE_ACTIVE,
      "This candidate's standalone package is already out: collect or cancel it first.",
    );
  }
  const machine = liveBinding(ctx.db, req.targetMachineFingerprint);
  if (!machine) {
    throw new ProtocolError(
      ERROR_CODES.MACHINE_NOT_APPROVED,
      'The target machine is not an approved test machine of this site.',
    );
  }
  const sitting = getSitting(ctx.db, sittingId)!;
  const proof = getPaperProof(ctx.db, sittingId);
  if (!proof) {
    throw new ProtocolError(
      ERROR_CODES.BAD_PACKAGE,
      `The paper of sitting ${sittingId} carries no centre signature; import the exam data again.`,
    );
  }
  const now = ctx.clock.now();
  const timing = candidateTiming(sitting, rs, cs)!;
  const remainingMs = endsAt(timing) - now;
  if (remainingMs <= 0) {
    throw new ProtocolError(
      ERROR_CODES.AFTER_END,
      "The candidate's time is over: there is nothing to continue.",
    );
  }
  const packageId = randomBytes(16).toString('hex');
  const code = newStandaloneCode();
  const photo = getCandidatePhoto(ctx.db, req.ticketNo);
  const dates = standalonePackageDates(now, remainingMs);
  // One short transaction: the changes packed are exactly those held when the session is
  // revoked, and the challenge is spent with the export it allowed. The slow part (signing,
  // the code's scrypt: hundreds of milliseconds on a busy machine) runs after it, so no
  // candidate's save waits for the write lock meanwhile.
  const content = writeTransaction(ctx.db, () => {
    useConsentChallenge(ctx.db, req.consent.challenge, connectionId, consent);
    // Read again under the write lock: the answer writer may have stored more since the checks.
    const held = getCandidateSitting(ctx.db, req.ticketNo, sittingId)!;
    if (held.status === 'handed-in' || held.status === 'absent') {
      throw new ProtocolError(ERROR_CODES.NOT_ALLOWED_NOW, `This candidate is ${held.status}.`);
    }
    const changes = listChanges(ctx.db, req.ticketNo, sittingId).map(
      ({ seq, itemId, value, flagged, madeAt }) => ({
        seq,
        itemId,
        value,
        flagged,
        madeAt,
      }),
    );
    const highestSeq = maxSeq(ctx.db, req.ticketNo, sittingId);
    const content: StandalonePackageContent = {
      formatVersion: 1,
      packageId,
      siteId,
      sittingId,
      roomId,
      ...dates,
      targetMachineFingerprint: req.targetMachineFingerprint,
      candidate: {
        ticketNo: req.ticketNo,
        name: candidate.name,
        photo: photo ? `data:image/png;base64,${photo}` : null,
        idNumberHash: hashIdNumber(packageId, candidate.id_number),
      },
      sitting: { title: sitting.subject_name, subject: sitting.subject_code },
      remainingMs,
      earliestHandInRemainingMs:
        timing.earliestHandInBeforeEndMs > 0 ? timing.earliestHandInBeforeEndMs : null,
      paper: {
        sealed: sitting.sealed_paper,
        proof,
        sittingKey: ctx.papers.key(sittingId).toString('base64'),
      },
      changes,
      highestSeq,
      consent: {
        chiefExaminer: consent.commonName,
        reason: req.reason,
        signedAt: new Date(now).toISOString(),
      },
      answerRecipients: { siteCertPem: ctx.identity.certPem, centreCertPem },
      builtBy: 'site',
    };
    insertStandalonePackage(ctx.db, {
      package_id: packageId,
      sitting_id: sittingId,
      ticket_no: req.ticketNo,
      room_id: roomId,
      target_machine_fingerprint: req.targetMachineFingerprint,
      target_machine_public_key: machine.public_key,
      exported_at: now,
      exported_by: actorName(actor),
      consent_by: consent.holder,
      consent_fingerprint: consent.fingerprint,
      consent_statement: consent.statement,
      consent_signature: consent.signature,
      reason: req.reason,
      remaining_ms: remainingMs,
      highest_seq_at_export: highestSeq,
      revoked_session_hash: held.session_token_hash,
    });
    // The one-live-session mechanism of a reset: the machine holding the session is let go.
    releaseFromMachine(ctx.db, req.ticketNo, sittingId, now);
    appendAudit(ctx.db, now, {
      actorRole: actor.role,
      actorId: actor.id,
      action: 'standalone.exported',
      subject: `${req.ticketNo}/${sittingId}`,
      data: {
        packageId,
        targetMachineFingerprint: req.targetMachineFingerprint,
        reason: req.reason,
        remainingMs,
        highestSeq,
        changes: changes.length,
        oldMachineId: held.machine_id,
        consent: {
          by: consent.holder,
          commonName: consent.commonName,
          fingerprint: consent.fingerprint,
          certPem: consent.certPem,
          statement: consent.statement,
          signature: consent.signature,
        },
      },
    });
    return content;
  });
  let bytes: Buffer;
  try {
    bytes = writeStandalonePackage({
      content,
      code,
      site: { certPem: ctx.identity.certPem, chainPem: [], privateKeyPem: ctx.identity.privateKeyPem },
      now: new Date(now),
    });
  } catch (e) {
    // Never expected (the content was built here); the package is recorded out, so take it
    // back rather than keep the candidate offline for a file nobody has.
    abandonExport(ctx, packageId, `${req.ticketNo}/${sittingId}`, now);
    throw e;
  }
  const reply: StandaloneExportResult = {
    packageId,
    code,
    fileName: standalonePackageFileName(req.ticketNo, packageId),
    fileBase64: bytes.toString('base64'),
  };
  ctx.log.info(
    {
      ticketNo: req.ticketNo,
      sittingId,
      packageId,
      target: req.targetMachineFingerprint,
      consentBy: consent.holder,
    },
    'standalone package exported',
  );
  ctx.events.emit('candidate-reset', {
    ticketNo: req.ticketNo,
    sittingId,
    reason: 'standalone package exported',
  });
  ctx.events.emit('candidate-changed', { roomId, ticketNo: req.ticketNo, sittingId });
  return reply;
}
