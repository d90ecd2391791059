import { randomBytes } from 'node:crypto';
import { sign } from '@exam/crypto';
import {
  type CandidateTile,
  type ReplicaChange,
  type StandaloneOfflineKit,
  type StandalonePackageContent,
  type StandaloneRegisterRequest,
  standaloneConsentStatement,
} from '@exam/protocol';
import {
  newStandaloneCode,
  standalonePackageDates,
  standalonePackageFileName,
  writeStandalonePackage,
} from '@exam/standalone';
import { ProctorCommandError } from '../core/index.js';

/** The sentence the brief fixes for a console that lost its key with a restart (decision 0017, amendment). */
export const NO_KEY_AFTER_RESTART =
  'The site server cannot be reached and this console was restarted: it cannot export offline.';

export interface OfflineBuildInput {
  /** The site's kit as the replica keeps it. */
  kit: StandaloneOfflineKit | null;
  /** The sitting key (base64) the site sent after the start, in this process's memory only. */
  sittingKey: string | undefined;
  /** The candidate's tile as the console last saw it: its end on the sitting clock. */
  tile: CandidateTile | undefined;
  /** The replica's changes of this candidate and sitting. */
  changes: readonly ReplicaChange[];
  /** The console's best estimate of the site's clock now. */
  serverNow: number;
  roomId: string;
  ticketNo: string;
  sittingId: string;
  targetMachineFingerprint: string;
  reason: string;
  /** The chief examiner's key, opened with its PIN for this one export. */
  chief: { certPem: string; privateKeyPem: string; commonName: string };
}

export interface OfflineBuilt {
  packageId: string;
  code: string;
  fileName: string;
  bytes: Buffer;
  /** What the site must learn when it is back (queued durably before the code is shown). */
  record: StandaloneRegisterRequest;
}

const refuse = (code: string, message: string): never => {
  throw new ProctorCommandError(code, message);
};

/**
 * A standalone package built at this console from its replica while the site server is down
 * (decision 0017, amendment): the same content and the same builder (`writeStandalonePackage`)
 * as the site's export, signed by the chief examiner's certificate instead of the site's. The
 * consent is the same statement with a fresh nonce of ours in place of the site's challenge.
 * The remaining time is the candidate's end as the console last saw it minus its estimate of
 * the site's now, frozen; the site caps it at registration.
 */
export function buildOfflinePackage(i: OfflineBuildInput): OfflineBuilt {
  const kit =
    i.kit ?? refuse('OFFLINE_NO_KIT', 'This console holds nothing to build a standalone package from.');
  const sitting =
    kit.sittings.find((s) => s.sittingId === i.sittingId) ??
    refuse('NO_SITTING', 'This console holds no paper for that sitting.');
  const sittingKey = i.sittingKey ?? refuse('OFFLINE_NO_KEY', NO_KEY_AFTER_RESTART);
  const candidate =
    kit.candidates.find((c) => c.ticketNo === i.ticketNo && c.sittingId === i.sittingId) ??
    refuse('UNKNOWN_TICKET', `Candidate ${i.ticketNo} does not sit that sitting in this room.`);
  if (!kit.machines.some((m) => m.fingerprint === i.targetMachineFingerprint)) {
    refuse('MACHINE_NOT_APPROVED', 'The target machine is not an approved test machine of this site.');
  }
  const tile = i.tile;
  if (!tile || tile.endsAt === null) refuse('NOT_ALLOWED_NOW', 'This candidate has no running sitting.');
  if (tile!.status === 'handed-in' || tile!.status === 'absent') {
    refuse('NOT_ALLOWED_NOW', `This candidate is ${tile!.status}.`);
  }
  const now = Math.floor(i.serverNow);
  const remainingMs = Math.floor(tile!.endsAt! - now);
  if (remainingMs <= 0) refuse('AFTER_END', "The candidate's time is over: there is nothing to continue.");

  const changes = [...i.changes]
    .filter((c) => c.ticketNo === i.ticketNo && c.sittingId === i.sittingId)
    .sort((a, b) => a.seq - b.seq)
    .map(({ seq, itemId, value, flagged, madeAt }) => ({ seq, itemId, value, flagged, madeAt }));
  const highestSeq = changes.at(-1)?.seq ?? 0;
  const packageId = randomBytes(16).toString('hex');
  // No server to ask for a challenge: a fresh nonce, which the site refuses if it ever saw it.
  const nonce = randomBytes(32).toString('base64url');
  const statement = standaloneConsentStatement({
    action: 'export',
    siteId: kit.siteId,
    sittingId: i.sittingId,
    ticketNo: i.ticketNo,
    subject: i.targetMachineFingerprint,
    reason: i.reason,
    challenge: nonce,
  });
  const signature = sign(statement, i.chief.privateKeyPem).toString('base64');
  const content: StandalonePackageContent = {
    formatVersion: 1,
    packageId,
    siteId: kit.siteId,
    sittingId: i.sittingId,
    roomId: i.roomId,
    ...standalonePackageDates(now, remainingMs),
    targetMachineFingerprint: i.targetMachineFingerprint,
    candidate: {
      ticketNo: i.ticketNo,
      name: candidate.name,
      photo: candidate.photo,
      idCheck: candidate.idCheck,
    },
    sitting: { title: sitting.title, ...(sitting.subject ? { subject: sitting.subject } : {}) },
    remainingMs,
    earliestHandInRemainingMs: sitting.earliestHandInRemainingMs,
    paper: { sealed: sitting.sealedPaper, proof: sitting.proof, sittingKey },
    changes,
    highestSeq,
    consent: { chiefExaminer: i.chief.commonName, reason: i.reason, signedAt: new Date(now).toISOString() },
    answerRecipients: { siteCertPem: kit.siteCertPem, centreCertPem: kit.centreCertPem },
    builtBy: 'console',
  };
  const code = newStandaloneCode();
  const bytes = writeStandalonePackage({
    content,
    code,
    signer: { certPem: i.chief.certPem, chainPem: [], privateKeyPem: i.chief.privateKeyPem },
    now: new Date(now),
  });
  return {
    packageId,
    code,
    fileName: standalonePackageFileName(i.ticketNo, packageId),
    bytes,
    record: {
      packageId,
      ticketNo: i.ticketNo,
      sittingId: i.sittingId,
      targetMachineFingerprint: i.targetMachineFingerprint,
      reason: i.reason,
      consent: { certPem: i.chief.certPem, signature, challenge: nonce },
      exportedAt: now,
      remainingMs,
      highestSeq,
    },
  };
}
