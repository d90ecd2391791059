import type Database from 'better-sqlite3';

/**
 * Each change now carries `made_at`: when the candidate made it, on the sitting clock as
 * the test machine estimated it (issue 15). Issue 16 compares it with the candidate's end;
 * until then it is only carried through to the replica and the answer package. A change
 * stored before this migration has no such time: the best known bound is when the server
 * received it, so that is what it gets.
 */
export function m0009AnswerMadeAt(db: Database.Database): void {
  db.exec(`
    ALTER TABLE answer_changes ADD COLUMN made_at INTEGER NOT NULL DEFAULT 0;
    UPDATE answer_changes SET made_at = received_at;
  `);
}
