import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

export type MetaKey =
  | 'examId'
  | 'examName'
  | 'siteId'
  | 'siteName'
  | 'arrangementTimestamp'
  /** '1' when the exam data marks the site overbooked (annex 4, issue 19). */
  | 'overbooked'
  | 'centreCertPem'
  /** Whom backups are sealed for (issue 18), from the exam data. */
  | 'provinceId'
  | 'provinceCertPem'
  | 'authorizedUntil'
  | 'authorizationIssuedAt'
  | 'approvalKeyProvince'
  | 'approvalKeyCentre';

export function getMeta(db: Db, key: MetaKey): string | null {
  const row = stmt(db, 'SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

export function setMeta(db: Db, key: MetaKey, value: string): void {
  stmt(
    db,
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}
