import { existsSync, readFileSync } from 'node:fs';
import { type ChainLink, verifyHashChain } from '@exam/crypto';
import { auditLinkPayload } from '@exam/protocol';
import Database from 'better-sqlite3';
import { changeFor } from './messages.js';

/** Per ticket, the highest acknowledged (contiguous) sequence found in a generator's ack log. */
export function readAckLog(path: string): Map<string, number> {
  const acked = new Map<string, number>();
  if (!existsSync(path)) return acked;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const [ticketNo, , ackSeq] = line.split(' ');
    if (!ticketNo || ackSeq === undefined) continue;
    const n = Number(ackSeq);
    if (n > (acked.get(ticketNo) ?? 0)) acked.set(ticketNo, n);
  }
  return acked;
}

export interface DatabaseVerdict {
  quickCheck: string;
  /** `ticket/seq` acknowledged but not stored. */
  missing: string[];
  /** `ticket/seq` stored with another item or value than the generator sent. */
  altered: string[];
  /** `ticket/seq` stored twice (cannot happen with the primary key; checked, not assumed). */
  duplicated: string[];
  acknowledged: number;
  auditEvents: number;
  audit: { ok: true } | { ok: false; index: number; reason: string };
}

interface AuditRow {
  at: number;
  actor_role: string;
  actor_id: string;
  action: string;
  subject: string;
  data: string;
  prev_hash: string;
  hash: string;
}

/**
 * Holds a site database against an ack log: quick_check, every acknowledged change stored
 * exactly once with the value sent, and the audit chain re-computed from the stored rows.
 */
export function verifySiteDatabase(dbPath: string, acked: Map<string, number>): DatabaseVerdict {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const quickCheck = String(db.pragma('quick_check', { simple: true }));
    const changesOf = db.prepare(
      'SELECT seq, item_id, value FROM answer_changes WHERE ticket_no = ? AND sitting_id = ?',
    );
    const missing: string[] = [];
    const altered: string[] = [];
    const duplicated: string[] = [];
    let acknowledged = 0;
    for (const [ticketNo, ackSeq] of acked) {
      const stored = new Map<number, { item_id: string; value: string }[]>();
      for (const r of changesOf.all(ticketNo, 'S-J-ECON') as {
        seq: number;
        item_id: string;
        value: string;
      }[]) {
        stored.set(r.seq, [...(stored.get(r.seq) ?? []), r]);
      }
      for (let seq = 1; seq <= ackSeq; seq++) {
        acknowledged++;
        const got = stored.get(seq);
        if (!got) {
          missing.push(`${ticketNo}/${seq}`);
          continue;
        }
        if (got.length > 1) duplicated.push(`${ticketNo}/${seq}`);
        const want = changeFor(ticketNo, seq);
        if (got[0]!.item_id !== want.itemId || got[0]!.value !== JSON.stringify(want.value)) {
          altered.push(`${ticketNo}/${seq}`);
        }
      }
    }
    const audit = db
      .prepare(
        'SELECT at, actor_role, actor_id, action, subject, data, prev_hash, hash FROM audit_events ORDER BY seq',
      )
      .all() as AuditRow[];
    const links: ChainLink[] = audit.map((r) => ({
      prevHash: r.prev_hash,
      hash: r.hash,
      payload: auditLinkPayload({
        at: r.at,
        actorRole: r.actor_role,
        actorId: r.actor_id,
        action: r.action,
        subject: r.subject,
        data: JSON.parse(r.data) as unknown,
      }),
    }));
    return {
      quickCheck,
      missing,
      altered,
      duplicated,
      acknowledged,
      auditEvents: audit.length,
      audit: verifyHashChain(links),
    };
  } finally {
    db.close();
  }
}
