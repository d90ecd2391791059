import { fromPkcs12, sign, verifyCertificate } from '@exam/crypto';
import {
  type CleanupOverride,
  cleanupOverrideBytes,
  cleanupOverrideSchema,
  parseMessage,
} from '@exam/protocol';

/**
 * The missing list, from what `site-admin --json checklist` (or a refused `cleanup`) printed:
 * the checklist itself, the API's `{ok:true,value}`, or the refusal's `error.details`.
 */
export function missingListFrom(json: unknown): { missing: string[]; siteId: string | null } {
  const candidates = [
    json,
    (json as { value?: unknown })?.value,
    (json as { error?: { details?: unknown } })?.error?.details,
    (json as { error?: { details?: { checklist?: unknown } } })?.error?.details?.checklist,
  ];
  for (const c of candidates) {
    const missing = (c as { missing?: unknown })?.missing;
    if (Array.isArray(missing) && missing.every((m) => typeof m === 'string')) {
      const siteId = (c as { siteId?: unknown }).siteId;
      return { missing, siteId: typeof siteId === 'string' ? siteId : null };
    }
  }
  throw new Error('This file holds no list of missing items (save `site-admin --json checklist` to it).');
}

/**
 * The chief examiner's override of the cleanup's guard (decision 0018): the key file opened
 * with its PIN, the statement naming the site the key was issued for and exactly the list,
 * signed. The site checks all of it again; this refuses early what the site would refuse.
 */
export function signCleanupOverride(opts: {
  p12: Buffer;
  pin: string;
  missing: string[];
  siteId: string | null;
  reason: string;
  at: Date;
  centreRootPem?: string;
}): CleanupOverride {
  const key = fromPkcs12(opts.p12, opts.pin);
  const root = opts.centreRootPem ?? key.chainPem.at(-1);
  if (!root) throw new Error('The key file holds no centre root; give --ca centre-root.pem.');
  const { subject } = verifyCertificate(key.certPem, { trustedRootPem: root, at: opts.at });
  if (subject.role !== 'chief')
    throw new Error('This is not a chief examiner’s key: only the chief examiner can sign an override.');
  if (!subject.siteId) throw new Error('This key names no site.');
  if (opts.siteId !== null && opts.siteId !== subject.siteId) {
    throw new Error(`The list is site ${opts.siteId}'s, but this key was issued for site ${subject.siteId}.`);
  }
  const statement = {
    action: 'cleanup-override' as const,
    siteId: subject.siteId,
    missing: opts.missing,
    reason: opts.reason,
    at: opts.at.toISOString(),
  };
  return parseMessage(cleanupOverrideSchema, {
    statement,
    certPem: key.certPem,
    signature: sign(cleanupOverrideBytes(statement), key.privateKeyPem).toString('base64'),
  });
}
