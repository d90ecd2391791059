import {
  CryptoError,
  canonicalJson,
  GENESIS_HASH,
  verifyCertificate,
  verifyHashChain,
  verifySignature,
} from '@exam/crypto';
import { auditLinkPayload } from '@exam/protocol';
import { FINAL_AUDIT_KIND, type FinalAuditExport } from './finalAuditExport.js';

/**
 * Checks a final audit export as the province or the centre would: the site certificate
 * chains to the centre root (at the export's time) and is a site key of the site named,
 * the signature covers every field, and the events form one unbroken hash chain.
 */
export function verifyFinalAuditExport(
  doc: FinalAuditExport,
  trustedRootPem: string,
): { ok: true } | { ok: false; reason: string } {
  if (doc.kind !== FINAL_AUDIT_KIND) return { ok: false, reason: 'This is not a final audit export.' };
  try {
    const { subject } = verifyCertificate(doc.siteCertPem, { trustedRootPem, at: new Date(doc.exportedAt) });
    if (subject.role !== 'site') return { ok: false, reason: 'It was not signed with a site key.' };
    if (doc.siteId !== null && subject.siteId !== doc.siteId) {
      return { ok: false, reason: 'It was signed by another site’s key.' };
    }
  } catch (e) {
    return {
      ok: false,
      reason: e instanceof CryptoError ? e.message : 'The site certificate cannot be read.',
    };
  }
  const { signature, ...body } = doc;
  if (!verifySignature(canonicalJson(body), Buffer.from(signature, 'base64'), doc.siteCertPem)) {
    return { ok: false, reason: 'The signature does not match its content.' };
  }
  const chain = verifyHashChain(
    doc.events.map((e) => ({ prevHash: e.prevHash, hash: e.hash, payload: auditLinkPayload(e) })),
    GENESIS_HASH,
  );
  if (!chain.ok) return { ok: false, reason: chain.reason };
  if ((doc.events.at(-1)?.hash ?? null) !== doc.headHash) {
    return { ok: false, reason: 'The chain does not end on the head hash it names.' };
  }
  return { ok: true };
}
