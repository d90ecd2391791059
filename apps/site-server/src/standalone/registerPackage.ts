import { endsAt } from '@exam/domain';
import {
  ERROR_CODES,
  ProtocolError,
  type StandaloneRegisterRequest,
  type StandaloneRegisterResult,
} from '@exam/protocol';
import { type Actor, actorName } from '../audit/actor.js';
import { appendAudit } from '../audit/auditLog.js';
import { getCandidateSitting, releaseFromMachine } from '../candidates/candidateSittingsTable.js';
import { getCandidate } from '../candidates/candidatesTable.js';
import { writeTransaction } from '../db/transactions.js';
import { liveBinding } from '../machines/machineBindingsTable.js';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';
import { getRoomSitting } from '../sittings/roomSittingsTable.js';
import { getSittingMeta } from '../sittings/sittingsTable.js';
import { candidateTiming } from '../sittings/views.js';
import { type VerifiedConsent, verifyConsentSignature } from './consent.js';
import { consentNonceSeen } from './standaloneChallengesTable.js';
import {
  exportedPackageOf,
  getStandalonePackage,
  insertStandalonePackage,
  onlineChangesAfterExport,
} from './standalonePackagesTable.js';

/** A console's clock estimate of ours may be off by this much; an export later than that is refused. */
const EXPORTED_AT_SKEW_MS = 60_000;

const refused = (message: string) => new ProtocolError(ERROR_CODES.CONSENT_REFUSED, message);

/**
 * Registration of a package a console built from its replica while the site was down
 * (decision 0017, amendment). The consent is checked as at an export (the chief examiner of
 * this site, registered here, chaining to the centre root, signing exactly this statement),
 * with a nonce the console made in place of our challenge: one this site has seen in any
 * form is a replay. The package is then recorded out as if the site had built it
 * (`built_by = 'console'`), the candidate's online session is revoked and the audit chain
 * keeps the consent, in one transaction; from then on the candidate is STANDALONE_ACTIVE and
 * the package's answer files are collected as any other. The remaining time the console
 * froze is capped at the candidate's end on this server's own clock. The same record sent
 * again (its reply was lost) is answered as registered, nothing changed.
 */
export function registerConsolePackage(
  ctx: SiteContext,
  actor: Actor,
  roomId: string,
  req: StandaloneRegisterRequest,
): StandaloneRegisterResult {
  const known = getStandalonePackage(ctx.db, req.packageId);
  if (known) return alreadyKnown(ctx, roomId, req, known);
  const siteId = getMeta(ctx.db, 'siteId');
  if (!siteId) throw new ProtocolError(ERROR_CODES.NOT_READY, 'No exam data has been imported.');
  const candidate = getCandidate(ctx.db, req.ticketNo);
  const cs = getCandidateSitting(ctx.db, req.ticketNo, req.sittingId);
  const rs = getRoomSitting(ctx.db, roomId, req.sittingId);
  if (!candidate || candidate.room_id !== roomId || !cs || !rs) {
    throw new ProtocolError(
      ERROR_CODES.UNKNOWN_TICKET,
      `Candidate ${req.ticketNo} does not sit sitting ${req.sittingId} in this room.`,
    );
  }
  const consent = verifyConsentSignature(ctx, req.consent, {
    action: 'export',
    siteId,
    sittingId: req.sittingId,
    ticketNo: req.ticketNo,
    subject: req.targetMachineFingerprint,
    reason: req.reason,
  });
  if (consentNonceSeen(ctx.db, req.consent.challenge)) {
    throw refused('This consent was already used: its nonce is on record.');
  }
  const machine = liveBinding(ctx.db, req.targetMachineFingerprint);
  if (!machine) {
    throw new ProtocolError(
      ERROR_CODES.MACHINE_NOT_APPROVED,
      'The target machine is not an approved test machine of this site.',
    );
  }
  const now = ctx.clock.now();
  if (req.exportedAt > now + EXPORTED_AT_SKEW_MS) {
    throw new ProtocolError(
      ERROR_CODES.NOT_ALLOWED_NOW,
      "The package's export time is later than the site's clock.",
    );
  }
  const timing = candidateTiming(getSittingMeta(ctx.db, req.sittingId)!, rs, cs);
  if (!timing) {
    throw new ProtocolError(
      ERROR_CODES.SITTING_NOT_STARTED,
      'The sitting has not started here: a standalone package carries a started paper.',
    );
  }
  if (rs.started_at !== null && req.exportedAt < rs.started_at) {
    throw new ProtocolError(
      ERROR_CODES.NOT_ALLOWED_NOW,
      "The package's export time is before the sitting started.",
    );
  }
  // The console froze the time on its estimate of our clock: never more than our own end allows.
  const remainingMs = Math.max(0, Math.min(req.remainingMs, endsAt(timing) - req.exportedAt));
  return writeTransaction(ctx.db, () => {
    if (consentNonceSeen(ctx.db, req.consent.challenge)) {
      throw refused('This consent was already used: its nonce is on record.');
    }
    if (exportedPackageOf(ctx.db, req.ticketNo)) {
      throw new ProtocolError(
        ERROR_CODES.STANDALONE_ACTIVE,
        'Another standalone package of this candidate is already out: cancel it first, then register this one again.',
      );
    }
    const held = getCandidateSitting(ctx.db, req.ticketNo, req.sittingId)!;
    if (held.status === 'handed-in' || held.status === 'absent') {
      throw new ProtocolError(ERROR_CODES.NOT_ALLOWED_NOW, `This candidate is ${held.status}.`);
    }
    insertStandalonePackage(ctx.db, {
      package_id: req.packageId,
      sitting_id: req.sittingId,
      ticket_no: req.ticketNo,
      room_id: roomId,
      target_machine_fingerprint: req.targetMachineFingerprint,
      target_machine_public_key: machine.public_key,
      exported_at: req.exportedAt,
      exported_by: actorName(actor),
      consent_by: consent.holder,
      consent_fingerprint: consent.fingerprint,
      consent_statement: consent.statement,
      consent_signature: consent.signature,
      reason: req.reason,
      remaining_ms: remainingMs,
      highest_seq_at_export: req.highestSeq,
      revoked_session_hash: held.session_token_hash,
      built_by: 'console',
    });
    releaseFromMachine(ctx.db, req.ticketNo, req.sittingId, now);
    const row = getStandalonePackage(ctx.db, req.packageId)!;
    const after = onlineChangesAfterExport(ctx.db, row);
    appendAudit(ctx.db, now, {
      actorRole: actor.role,
      actorId: actor.id,
      action: 'standalone.exported',
      subject: `${req.ticketNo}/${req.sittingId}`,
      data: {
        packageId: req.packageId,
        builtBy: 'console',
        registeredAt: now,
        exportedAt: req.exportedAt,
        targetMachineFingerprint: req.targetMachineFingerprint,
        reason: req.reason,
        remainingMs,
        highestSeq: req.highestSeq,
        onlineChangesAfterExport: after,
        oldMachineId: held.machine_id,
        consent: consentRecord(consent),
      },
    });
    ctx.log.info(
      {
        ticketNo: req.ticketNo,
        sittingId: req.sittingId,
        packageId: req.packageId,
        onlineChangesAfterExport: after,
      },
      'console-built standalone package registered',
    );
    ctx.events.emit('candidate-reset', {
      ticketNo: req.ticketNo,
      sittingId: req.sittingId,
      reason: 'standalone package exported',
    });
    ctx.events.emit('candidate-changed', { roomId, ticketNo: req.ticketNo, sittingId: req.sittingId });
    return {
      packageId: req.packageId,
      state: 'exported' as const,
      alreadyRegistered: false,
      onlineChangesAfterExport: after,
    };
  });
}

/** The same registration again is a re-send; any other record under a known id is refused. */
function alreadyKnown(
  ctx: SiteContext,
  roomId: string,
  req: StandaloneRegisterRequest,
  known: NonNullable<ReturnType<typeof getStandalonePackage>>,
): StandaloneRegisterResult {
  const same =
    known.built_by === 'console' &&
    known.room_id === roomId &&
    known.ticket_no === req.ticketNo &&
    known.sitting_id === req.sittingId &&
    known.consent_signature === req.consent.signature;
  if (!same) {
    throw new ProtocolError(
      ERROR_CODES.STANDALONE_ACTIVE,
      'A standalone package with this id is already on record: this registration is refused.',
    );
  }
  return {
    packageId: known.package_id,
    state: known.state,
    alreadyRegistered: true,
    onlineChangesAfterExport: known.state === 'exported' ? onlineChangesAfterExport(ctx.db, known) : 0,
  };
}

function consentRecord(consent: VerifiedConsent) {
  return {
    by: consent.holder,
    commonName: consent.commonName,
    fingerprint: consent.fingerprint,
    certPem: consent.certPem,
    statement: consent.statement,
    signature: consent.signature,
  };
}
