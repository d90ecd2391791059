import type Database from 'better-sqlite3';

/**
 * The centre now signs each paper (issue 16): test machines check that signature against the
 * centre root before they open a paper, so the site keeps it beside the sealed paper and
 * hands it out with it. A sitting imported before has no proof; its candidates' logins are
 * refused with a sentence asking for the exam data to be imported again, since no machine
 * would open that paper anyway.
 */
export function m0013PaperProofs(db: Database.Database): void {
  db.exec(`
    CREATE TABLE paper_proofs (
      sitting_id TEXT PRIMARY KEY REFERENCES sittings(sitting_id),
      paper_sha256 TEXT NOT NULL,
      signature TEXT NOT NULL
    ) STRICT;
  `);
}
