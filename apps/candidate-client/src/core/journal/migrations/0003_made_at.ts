import type Database from 'better-sqlite3';

/**
 * The time a change was made travels with it to the server now (issue 15), under one name
 * from the journal to the answer package: `made_at`. The column always held exactly that
 * (the core's server-clock estimate when the candidate answered), so only its name changes.
 */
export function m0003MadeAt(db: Database.Database): void {
  db.exec('ALTER TABLE answer_changes RENAME COLUMN created_at TO made_at;');
}
