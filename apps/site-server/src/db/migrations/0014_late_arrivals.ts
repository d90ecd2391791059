import type Database from 'better-sqlite3';

/**
 * The server's word on time (issue 16). `answer_changes.late_arrival`: a change that reached
 * the site after the candidate's end or hand-in, made in time on a machine that was offline;
 * the answer package carries the mark. `candidate_sittings.last_down_at`: the latest moment
 * the server lost the candidate's machine, kept after they are back (unlike `down_since`), so
 * a late change can be checked against it. Rows from before know of no loss.
 */
export function m0014LateArrivals(db: Database.Database): void {
  db.exec(`
    ALTER TABLE answer_changes ADD COLUMN late_arrival INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE candidate_sittings ADD COLUMN last_down_at INTEGER;
  `);
}
