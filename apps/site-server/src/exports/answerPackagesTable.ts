import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

export interface AnswerPackageRow {
  path: string;
  sitting_id: string;
  finality: 'final' | 'interim';
  /** JSON array of room ids. */
  rooms_not_ended: string;
  sha256: string;
  exported_at: number;
}

export interface AnswerPackageRecord {
  path: string;
  sittingId: string;
  finality: 'final' | 'interim';
  roomsNotEnded: string[];
  sha256: string;
  exportedAt: number;
}

/** A package written to `path`; writing the same file again (a final re-export) replaces its row. */
export function recordAnswerPackage(db: Db, r: AnswerPackageRecord): void {
  stmt(
    db,
    `INSERT INTO answer_packages (path, sitting_id, finality, rooms_not_ended, sha256, exported_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (path) DO UPDATE SET sitting_id = excluded.sitting_id, finality = excluded.finality,
       rooms_not_ended = excluded.rooms_not_ended, sha256 = excluded.sha256, exported_at = excluded.exported_at`,
  ).run(r.path, r.sittingId, r.finality, JSON.stringify(r.roomsNotEnded), r.sha256, r.exportedAt);
}

/** Every package written, oldest first (by when, then by order of writing). */
export function listAnswerPackages(db: Db): AnswerPackageRecord[] {
  return (
    stmt(db, 'SELECT * FROM answer_packages ORDER BY exported_at, rowid').all() as AnswerPackageRow[]
  ).map((r) => ({
    path: r.path,
    sittingId: r.sitting_id,
    finality: r.finality,
    roomsNotEnded: JSON.parse(r.rooms_not_ended) as string[],
    sha256: r.sha256,
    exportedAt: r.exported_at,
  }));
}
