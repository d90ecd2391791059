import { chainHash, GENESIS_HASH } from '@exam/crypto';
import { auditLinkPayload } from '@exam/protocol';
import type { Db } from '../db/open.js';
import { insertAudit, lastAuditHash } from './auditTable.js';

export type ActorRole = 'system' | 'site-admin' | 'proctor' | 'chief' | 'candidate';

export interface AuditEntry {
  actorRole: ActorRole;
  actorId: string;
  action: string;
  subject: string;
  data?: Record<string, unknown>;
}

/**
 * Appends one hash-chained event. Call it inside the transaction of the change it records,
 * so the event and the change commit or roll back together; the previous hash is read from
 * the database, not a memory cache, for the same reason.
 */
export function appendAudit(db: Db, at: number, entry: AuditEntry): string {
  const prevHash = lastAuditHash(db) ?? GENESIS_HASH;
  const data = entry.data ?? {};
  const hash = chainHash(prevHash, auditLinkPayload({ ...entry, at, data }));
  insertAudit(db, {
    at,
    actor_role: entry.actorRole,
    actor_id: entry.actorId,
    action: entry.action,
    subject: entry.subject,
    data: JSON.stringify(data),
    prev_hash: prevHash,
    hash,
  });
  return hash;
}
