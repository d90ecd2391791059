import { CryptoError, certificateFingerprint, verifyCertificate, verifySignature } from '@exam/crypto';
import { type CleanupOverride, cleanupOverrideBytes, ERROR_CODES, ProtocolError } from '@exam/protocol';
import { getRegisteredKey } from '../proctors/registeredKeysTable.js';
import type { SiteContext } from '../site/context.js';

/** An override is signed for the cleanup at hand: one signed more than a day ago is stale. */
const OVERRIDE_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** Clocks differ a little between the chief examiner's machine and the server. */
const CLOCK_SLACK_MS = 10 * 60 * 1000;

export interface VerifiedOverride {
  holder: string;
  commonName: string;
  fingerprint: string;
  certPem: string;
  statement: CleanupOverride['statement'];
  signature: string;
}

const refused = (message: string) =>
  new ProtocolError(ERROR_CODES.CONSENT_REFUSED, `The cleanup override was refused: ${message}`);

/**
 * The only way past the cleanup's guard (decision 0018): the chief examiner's statement, signed
 * with a key that chains to the centre root, is registered for this exam as the chief
 * examiner's and was issued for this site, naming this site and exactly the items missing now.
 */
export function verifyCleanupOverride(
  ctx: SiteContext,
  override: CleanupOverride,
  siteId: string,
  missingNow: readonly string[],
): VerifiedOverride {
  const now = ctx.clock.now();
  let subject: ReturnType<typeof verifyCertificate>['subject'];
  try {
    subject = verifyCertificate(override.certPem, {
      trustedRootPem: ctx.identity.trustedRootPem,
      at: new Date(now),
    }).subject;
  } catch (e) {
    throw refused(e instanceof CryptoError ? e.message : 'the certificate cannot be read.');
  }
  const fingerprint = certificateFingerprint(override.certPem);
  const registered = getRegisteredKey(ctx.db, fingerprint);
  if (!registered || registered.role !== 'chief' || subject.role !== 'chief') {
    throw refused('only a chief examiner’s registered key can sign it.');
  }
  if (subject.siteId !== siteId) throw refused('the chief examiner’s key was issued for another site.');
  const s = override.statement;
  if (s.siteId !== siteId) throw refused(`it was signed for site ${s.siteId}, not this site (${siteId}).`);
  if (!sameList(s.missing, missingNow)) {
    throw refused('it names another list of missing items than the one this site reports now.');
  }
  const at = Date.parse(s.at);
  if (at > now + CLOCK_SLACK_MS) throw refused('it is dated in the future.');
  if (now - at > OVERRIDE_MAX_AGE_MS) throw refused('it was signed more than a day ago; sign a new one.');
  if (
    !verifySignature(cleanupOverrideBytes(s), Buffer.from(override.signature, 'base64'), override.certPem)
  ) {
    throw refused('the signature does not match this statement and key.');
  }
  return {
    holder: registered.holder,
    commonName: subject.commonName,
    fingerprint,
    certPem: override.certPem,
    statement: s,
    signature: override.signature,
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
