import type Database from 'better-sqlite3';

/**
 * Standalone mode (issue 17). `standalone_packages`: one row per package exported for a
 * candidate and a target machine, with the chief examiner's consent (statement and signature,
 * as signed) and what collection and cancellation did to it; at most one `exported` package
 * per candidate and sitting, enforced here. `standalone_challenges`: the consent challenges,
 * kept on disk and marked used in the transaction that accepts a consent, so a restart does
 * not make a used one good again. `answer_changes.standalone_package_id`: the package a
 * change came home in (null: made online), which the answer package marks.
 */
export function m0015StandalonePackages(db: Database.Database): void {
  db.exec(`
    CREATE TABLE standalone_packages (
      package_id TEXT PRIMARY KEY,
      sitting_id TEXT NOT NULL,
      ticket_no TEXT NOT NULL,
      room_id TEXT NOT NULL,
      target_machine_fingerprint TEXT NOT NULL,
      target_machine_public_key TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('exported', 'collected', 'cancelled')),
      exported_at INTEGER NOT NULL,
      exported_by TEXT NOT NULL,
      consent_by TEXT NOT NULL,
      consent_fingerprint TEXT NOT NULL,
      consent_statement TEXT NOT NULL,
      consent_signature TEXT NOT NULL,
      reason TEXT NOT NULL,
      remaining_ms INTEGER NOT NULL,
      highest_seq_at_export INTEGER NOT NULL,
      revoked_session_hash TEXT,
      last_file_seq INTEGER NOT NULL DEFAULT 0,
      collected_at INTEGER,
      collected_changes INTEGER NOT NULL DEFAULT 0,
      refused_after_end INTEGER NOT NULL DEFAULT 0,
      cancelled_at INTEGER,
      cancelled_by TEXT,
      cancel_reason TEXT,
      FOREIGN KEY (ticket_no, sitting_id) REFERENCES candidate_sittings (ticket_no, sitting_id)
    ) STRICT;
    CREATE UNIQUE INDEX standalone_packages_one_out
      ON standalone_packages (ticket_no, sitting_id) WHERE state = 'exported';
    CREATE INDEX standalone_packages_room ON standalone_packages (room_id, sitting_id);
    CREATE INDEX standalone_packages_session ON standalone_packages (revoked_session_hash)
      WHERE revoked_session_hash IS NOT NULL;
    CREATE TABLE standalone_challenges (
      challenge TEXT PRIMARY KEY,
      connection_id TEXT NOT NULL,
      issued_at INTEGER NOT NULL,
      used_at INTEGER,
      used_by TEXT
    ) STRICT;
    CREATE INDEX standalone_challenges_issued ON standalone_challenges (issued_at);
    ALTER TABLE answer_changes ADD COLUMN standalone_package_id TEXT;
  `);
}
