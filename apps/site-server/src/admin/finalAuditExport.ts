import { canonicalJson, sign } from '@exam/crypto';
import { listAudit } from '../audit/auditTable.js';
import type { SiteContext } from '../site/context.js';
import { getMeta } from '../site/metaTable.js';
import type { VerifiedOverride } from './cleanupOverride.js';

export const FINAL_AUDIT_KIND = 'exam-site/final-audit-export/v1';

export interface FinalAuditEvent {
  seq: number;
  at: number;
  actorRole: string;
  actorId: string;
  action: string;
  subject: string;
  data: unknown;
  prevHash: string;
  hash: string;
}

export interface FinalAuditBody {
  kind: typeof FINAL_AUDIT_KIND;
  siteId: string | null;
  examId: string | null;
  exportedAt: string;
  /** The site key's certificate: the export verifies against the centre root with it. */
  siteCertPem: string;
  events: FinalAuditEvent[];
  /** The last event's hash: what the chain ends on. */
  headHash: string | null;
  override: (Omit<VerifiedOverride, 'statement'> & { statement: VerifiedOverride['statement'] }) | null;
}

export interface FinalAuditExport extends FinalAuditBody {
  /** RSA-PSS by the site key over canonicalJson of every other field, base64. */
  signature: string;
}

/**
 * The whole audit chain, signed by the site key: what stays of the site's record after the
 * cleanup removed site.db (decision 0018). Kept in the data directory.
 */
export function buildFinalAuditExport(ctx: SiteContext, override: VerifiedOverride | null): FinalAuditExport {
  const events = listAudit(ctx.db).map(
    (r): FinalAuditEvent => ({
      seq: r.seq,
      at: r.at,
      actorRole: r.actor_role,
      actorId: r.actor_id,
      action: r.action,
      subject: r.subject,
      data: JSON.parse(r.data) as unknown,
      prevHash: r.prev_hash,
      hash: r.hash,
    }),
  );
  const body: FinalAuditBody = {
    kind: FINAL_AUDIT_KIND,
    siteId: getMeta(ctx.db, 'siteId'),
    examId: getMeta(ctx.db, 'examId'),
    exportedAt: new Date(ctx.clock.now()).toISOString(),
    siteCertPem: ctx.identity.certPem,
    events,
    headHash: events.at(-1)?.hash ?? null,
    override,
  };
  const signature = sign(canonicalJson(body), ctx.identity.privateKeyPem).toString('base64');
  return { ...body, signature };
}
