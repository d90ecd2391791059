import type { Db } from '../open.js';
import { stmt } from '../statements.js';

export function recordExport(db: Db, sittingId: string, path: string, sha256: string, at: number): void {
  stmt(
    db,
    `INSERT INTO exports (sitting_id, path, sha256, exported_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (sitting_id) DO UPDATE SET path = excluded.path, sha256 = excluded.sha256,
       exported_at = excluded.exported_at`,
  ).run(sittingId, path, sha256, at);
}

export function getExport(db: Db, sittingId: string): { path: string; sha256: string } | undefined {
  return stmt(db, 'SELECT path, sha256 FROM exports WHERE sitting_id = ?').get(sittingId) as
    | { path: string; sha256: string }
    | undefined;
}
