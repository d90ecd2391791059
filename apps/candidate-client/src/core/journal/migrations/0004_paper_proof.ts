import type Database from 'better-sqlite3';

/**
 * The centre's signature over the paper (issue 16) is kept with the sealed paper, so a
 * restarted machine checks it again before it reopens the paper. A session stored before
 * has none: its paper stays shut until the resume brings the proof from the site.
 */
export function m0004PaperProof(db: Database.Database): void {
  db.exec('ALTER TABLE session ADD COLUMN paper_proof TEXT');
}
