import { randomBytes } from 'node:crypto';
import { CryptoError, certificateFingerprint, verifyCertificate, verifySignature } from '@exam/crypto';
import { PROCTOR_SIGN_IN } from '@exam/domain';
import {
  ERROR_CODES,
  ProtocolError,
  type StandaloneConsent,
  type StandaloneConsentAction,
  standaloneConsentStatement,
} from '@exam/protocol';
import type { Db } from '../db/open.js';
import { writeTransaction } from '../db/transactions.js';
import { getRegisteredKey } from '../proctors/registeredKeysTable.js';
import type { SiteContext } from '../site/context.js';
import {
  deleteStandaloneChallengesIssuedBefore,
  getStandaloneChallenge,
  insertStandaloneChallenge,
  markStandaloneChallengeUsed,
} from './standaloneChallengesTable.js';

/** What a verified consent proves, as the package row and the audit event keep it. */
export interface VerifiedConsent {
  /** The chief examiner's registered name. */
  holder: string;
  /** Their certificate's common name, as the package names them. */
  commonName: string;
  fingerprint: string;
  /** Kept in the audit event, so the centre can check the signature against its root. */
  certPem: string;
  statement: string;
  /** base64, as signed. */
  signature: string;
  signedAt: number;
}

/** The consent's challenge rules are the sign-in challenge's: one minute, once, on one connection. */
const CHALLENGE = PROCTOR_SIGN_IN;

const refused = (message: string) => new ProtocolError(ERROR_CODES.CONSENT_REFUSED, message);

/** A fresh consent challenge for this console connection, stored (fsync'd) before it is sent. */
export function issueConsentChallenge(
  ctx: SiteContext,
  connectionId: string,
): { challenge: string; expiresAt: string } {
  const challenge = randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  writeTransaction(ctx.db, () => {
    deleteStandaloneChallengesIssuedBefore(ctx.db, now - CHALLENGE.challengeRetentionMs);
    insertStandaloneChallenge(ctx.db, challenge, connectionId, now);
  });
  return { challenge, expiresAt: new Date(now + CHALLENGE.challengeTtlMs).toISOString() };
}

/**
 * The chief examiner's consent to export or cancel one candidate's standalone package: a
 * certificate that chains to the centre root at the server's clock, issued for this site and
 * registered as the chief examiner's (the role the console's sign-in gives it), and its
 * signature over exactly this statement with a challenge this server issued to this console
 * connection, unused and unexpired. Checks only: `useConsentChallenge` spends the challenge
 * inside the transaction that acts on the consent, so a refused action leaves it unspent and
 * an accepted one can never be replayed, also after a restart.
 */
export function verifyConsent(
  ctx: SiteContext,
  consent: StandaloneConsent,
  connectionId: string,
  what: ConsentSubject,
): VerifiedConsent {
  const verified = verifyConsentSignature(ctx, consent, what);
  checkChallenge(ctx.db, consent.challenge, connectionId, verified.signedAt);
  return verified;
}

/** What a consent statement names besides its challenge. */
export interface ConsentSubject {
  action: StandaloneConsentAction;
  siteId: string;
  sittingId: string;
  ticketNo: string;
  subject: string;
  reason: string;
}

/**
 * The consent's key and signature, without its challenge: the certificate chains to the centre
 * root at the server's clock, is registered here as the chief examiner's, is for this site,
 * and signed exactly this statement. A console-built package's consent (see registerPackage.ts)
 * names a nonce the console made instead of a challenge from here.
 */
export function verifyConsentSignature(
  ctx: SiteContext,
  consent: StandaloneConsent,
  what: ConsentSubject,
): VerifiedConsent {
  const now = ctx.clock.now();
  let subject: ReturnType<typeof verifyCertificate>['subject'];
  try {
    subject = verifyCertificate(consent.certPem, {
      trustedRootPem: ctx.identity.trustedRootPem,
      at: new Date(now),
    }).subject;
  } catch (e) {
    const why = e instanceof CryptoError ? e.message : 'unreadable certificate';
    throw refused(`The chief examiner's key was refused: ${why}`);
  }
  const fingerprint = certificateFingerprint(consent.certPem);
  const registered = getRegisteredKey(ctx.db, fingerprint);
  if (!registered || registered.role !== 'chief') {
    throw refused("Only the chief examiner's key can consent to a standalone package.");
  }
  if (subject.siteId !== what.siteId) throw refused("This chief examiner's key was issued for another site.");
  const statement = standaloneConsentStatement({ ...what, challenge: consent.challenge });
  if (!verifySignature(statement, Buffer.from(consent.signature, 'base64'), consent.certPem)) {
    throw refused(
      'The consent signature does not match this key, this candidate, this machine or package, this reason and its challenge.',
    );
  }
  return {
    holder: registered.holder,
    commonName: subject.commonName,
    fingerprint,
    certPem: consent.certPem,
    statement,
    signature: consent.signature,
    signedAt: now,
  };
}

function checkChallenge(db: Db, challenge: string, connectionId: string, now: number): void {
  const issued = getStandaloneChallenge(db, challenge);
  if (!issued || issued.connection_id !== connectionId) {
    throw refused('This consent challenge was not issued to this console connection.');
  }
  if (issued.used_at !== null) throw refused('This consent challenge was already used.');
  if (now - issued.issued_at > CHALLENGE.challengeTtlMs) {
    throw refused('This consent challenge has expired; ask the chief examiner to sign again.');
  }
}

/** Spends the challenge; call inside the transaction that acts on the consent. */
export function useConsentChallenge(
  db: Db,
  challenge: string,
  connectionId: string,
  consent: VerifiedConsent,
): void {
  checkChallenge(db, challenge, connectionId, consent.signedAt);
  if (!markStandaloneChallengeUsed(db, challenge, consent.signedAt, consent.fingerprint)) {
    throw refused('This consent challenge was already used.');
  }
}
