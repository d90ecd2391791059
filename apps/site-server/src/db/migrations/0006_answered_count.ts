import type Database from 'better-sqlite3';

/**
 * Each save used to upsert `answers_current` beside its `answer_changes` row: a second
 * B-tree page per save written and fsync'd on the acknowledgement's path, which doubled the
 * group commit's time (issue 5 profile). The latest answer per item is now derived from
 * `answer_changes` when it is needed (login, resume); the one figure read often, the
 * number of answered items on a proctor's tile, is kept on the candidate's sitting row,
 * which the save updates anyway. It counts what `answers_current` counted: items whose
 * latest stored change is an answer.
 */
export function m0006AnsweredCount(db: Database.Database): void {
  db.exec(`
    ALTER TABLE candidate_sittings ADD COLUMN answered INTEGER NOT NULL DEFAULT 0;
    UPDATE candidate_sittings SET answered = (
      SELECT count(*) FROM answers_current a
      WHERE a.ticket_no = candidate_sittings.ticket_no
        AND a.sitting_id = candidate_sittings.sitting_id AND a.answered = 1);
    DROP TABLE answers_current;
  `);
}
