import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CryptoError,
  decryptPackageV2,
  inspectPackage,
  PackageError,
  verifyHashChain,
  verifyPackageV2,
} from '@exam/crypto';
import { auditLinkPayload } from '@exam/protocol';
import Database from 'better-sqlite3';

/** The province's key (opened from province.p12) and the centre root it trusts. */
export interface ProvinceKey {
  certPem: string;
  /** Key material: used to open the payload key, never printed. */
  privateKeyPem: string;
  centreRootPem: string;
}

export interface SiteBackupSummary {
  kind: 'site';
  signer: string;
  createdAt: string;
  examId: string | null;
  siteId: string | null;
  sittingId: string | null;
  sittings: number;
  rooms: number;
  candidates: number;
  answerChanges: number;
  auditEvents: number;
}

export interface ConsoleBackupSummary {
  kind: 'console';
  signer: string;
  createdAt: string;
  roomId: string;
  exportedAt: string;
  replicaChanges: number;
  candidates: number;
  sittings: string[];
}

export type BackupSummary = SiteBackupSummary | ConsoleBackupSummary;

/** Anything wrong with a backup: the sentence says what, for the person at the province. */
export class BackupCheckFailed extends Error {
  override name = 'BackupCheckFailed';
}

/**
 * Opens one backup as the province does (issue 18): the signer's chain to the centre root
 * (the site key for a site backup, a proctor or chief key for a console's), the signature and
 * the ciphertext hash, then decrypts with the province key. A site backup's database is
 * written to a temporary file, checked with `PRAGMA integrity_check` and its audit chain
 * verified; a console backup's replica is read. Returns what it holds; throws
 * BackupCheckFailed with a sentence otherwise.
 */
export function checkBackup(bytes: Buffer, key: ProvinceKey, now = new Date()): BackupSummary {
  let kind: string;
  try {
    kind = inspectPackage(bytes).kind;
  } catch (e) {
    throw failure(e);
  }
  if (kind !== 'site-backup' && kind !== 'backup') {
    throw new BackupCheckFailed(`This is a ${kind} package, not a site or console backup.`);
  }
  let payload: Buffer;
  let signer: string;
  let createdAt: string;
  let meta: Record<string, unknown>;
  try {
    const verified = verifyPackageV2(bytes, {
      expectedKind: kind,
      signer: 'certificate',
      trustedRootPem: key.centreRootPem,
      allowedSignerRoles: kind === 'site-backup' ? ['site'] : ['proctor', 'chief'],
      now,
    });
    if (verified.signer.kind !== 'certificate')
      throw new BackupCheckFailed('The backup has no certificate signer.');
    const s = verified.signer.certificate.subject;
    signer = `${s.commonName} (${s.role}${s.siteId ? `, ${s.siteId}` : ''}${s.roomId ? `, ${s.roomId}` : ''})`;
    createdAt = verified.manifest.createdAt;
    meta = verified.manifest.meta;
    payload = decryptPackageV2(verified, {
      kind: 'certificate',
      certPem: key.certPem,
      privateKeyPem: key.privateKeyPem,
    });
  } catch (e) {
    throw failure(e);
  }
  return kind === 'site-backup'
    ? checkSiteDatabase(payload, signer, createdAt, meta)
    : readConsoleReplica(payload, signer, createdAt);
}

function failure(e: unknown): BackupCheckFailed {
  if (e instanceof BackupCheckFailed) return e;
  if (e instanceof PackageError || e instanceof CryptoError) return new BackupCheckFailed(e.message);
  return new BackupCheckFailed(`The backup cannot be read: ${e instanceof Error ? e.message : String(e)}`);
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

function checkSiteDatabase(
  payload: Buffer,
  signer: string,
  createdAt: string,
  meta: Record<string, unknown>,
): SiteBackupSummary {
  const dir = mkdtempSync(join(tmpdir(), 'check-backup-'));
  try {
    const file = join(dir, 'site.db');
    writeFileSync(file, payload);
    let db: Database.Database;
    try {
      db = new Database(file, { readonly: true, fileMustExist: true });
    } catch (e) {
      throw new BackupCheckFailed(`The backup's database cannot be opened: ${(e as Error).message}`);
    }
    try {
      let verdict: string;
      try {
        verdict = (db.pragma('integrity_check') as { integrity_check: string }[])
          .map((r) => r.integrity_check)
          .join('; ');
      } catch (e) {
        throw new BackupCheckFailed(
          `The backup's database is not a readable SQLite database: ${(e as Error).message}`,
        );
      }
      if (verdict !== 'ok')
        throw new BackupCheckFailed(`The backup's database fails SQLite's integrity check: ${verdict}`);
      const audit = db.prepare('SELECT * FROM audit_events ORDER BY seq').all() as AuditRow[];
      const chain = verifyHashChain(
        audit.map((a) => ({
          prevHash: a.prev_hash,
          hash: a.hash,
          payload: auditLinkPayload({
            at: a.at,
            actorRole: a.actor_role,
            actorId: a.actor_id,
            action: a.action,
            subject: a.subject,
            data: JSON.parse(a.data),
          }),
        })),
      );
      if (!chain.ok) throw new BackupCheckFailed(`The site's audit chain is broken: ${chain.reason}`);
      const count = (table: string) =>
        (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      const metaValue = (k: string) =>
        (db.prepare('SELECT value FROM meta WHERE key = ?').get(k) as { value: string } | undefined)?.value ??
        null;
      return {
        kind: 'site',
        signer,
        createdAt,
        examId: metaValue('examId'),
        siteId: metaValue('siteId'),
        sittingId: typeof meta.sittingId === 'string' ? meta.sittingId : null,
        sittings: count('sittings'),
        rooms: count('rooms'),
        candidates: count('candidates'),
        answerChanges: count('answer_changes'),
        auditEvents: audit.length,
      };
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readConsoleReplica(payload: Buffer, signer: string, createdAt: string): ConsoleBackupSummary {
  let content: { roomId?: unknown; exportedAt?: unknown; changes?: unknown };
  try {
    content = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new BackupCheckFailed("The console backup's content is not valid JSON.");
  }
  if (typeof content.roomId !== 'string' || !Array.isArray(content.changes)) {
    throw new BackupCheckFailed('The console backup does not hold a room replica.');
  }
  const changes = content.changes as { ticketNo?: unknown; sittingId?: unknown }[];
  return {
    kind: 'console',
    signer,
    createdAt,
    roomId: content.roomId,
    exportedAt: String(content.exportedAt ?? ''),
    replicaChanges: changes.length,
    candidates: new Set(changes.map((c) => String(c.ticketNo))).size,
    sittings: [...new Set(changes.map((c) => String(c.sittingId)))].sort(),
  };
}

/** What the command prints for one file. */
export function describeBackup(file: string, s: BackupSummary): string {
  if (s.kind === 'site') {
    return [
      `OK  ${file}: site backup of ${s.siteId ?? '?'} (exam ${s.examId ?? '?'}), ${s.sittingId ? `after sitting ${s.sittingId}` : 'made on demand'}, sealed ${s.createdAt}`,
      `    signed by ${s.signer}; integrity_check ok; audit chain of ${s.auditEvents} events verified`,
      `    ${s.sittings} sittings, ${s.rooms} rooms, ${s.candidates} candidates, ${s.answerChanges} answer changes, ${s.auditEvents} audit events`,
    ].join('\n');
  }
  return [
    `OK  ${file}: console backup of room ${s.roomId}, exported ${s.exportedAt}, sealed ${s.createdAt}`,
    `    signed by ${s.signer}`,
    `    ${s.replicaChanges} replica changes of ${s.candidates} candidates${s.sittings.length ? ` in ${s.sittings.join(', ')}` : ''}`,
  ].join('\n');
}
