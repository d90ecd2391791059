import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

/** `standalone_challenges`: every consent challenge the site issued, and whether it was used. */
export interface StandaloneChallengeRow {
  challenge: string;
  /** The console connection it was issued to: consent is given on that connection or not at all. */
  connection_id: string;
  issued_at: number;
  used_at: number | null;
  /** Fingerprint of the chief examiner key that used it. */
  used_by: string | null;
}

export function insertStandaloneChallenge(
  db: Db,
  challenge: string,
  connectionId: string,
  issuedAt: number,
): void {
  stmt(db, 'INSERT INTO standalone_challenges (challenge, connection_id, issued_at) VALUES (?, ?, ?)').run(
    challenge,
    connectionId,
    issuedAt,
  );
}

export function getStandaloneChallenge(db: Db, challenge: string): StandaloneChallengeRow | undefined {
  return stmt(db, 'SELECT * FROM standalone_challenges WHERE challenge = ?').get(challenge) as
    | StandaloneChallengeRow
    | undefined;
}

/** Marks a challenge used; false when it already was (the caller refuses the consent). */
export function markStandaloneChallengeUsed(
  db: Db,
  challenge: string,
  usedAt: number,
  usedBy: string,
): boolean {
  return (
    stmt(
      db,
      'UPDATE standalone_challenges SET used_at = ?, used_by = ? WHERE challenge = ? AND used_at IS NULL',
    ).run(usedAt, usedBy, challenge).changes === 1
  );
}

export function deleteStandaloneChallengesIssuedBefore(db: Db, before: number): number {
  return stmt(db, 'DELETE FROM standalone_challenges WHERE issued_at < ?').run(before).changes;
}

/**
 * Whether a consent nonce was ever seen here: issued as a challenge (used or not, until the
 * retention deletes it), or named by the consent of any package on record (never deleted; the
 * challenge is the statement's last line). A console-built package's nonce must be neither.
 */
export function consentNonceSeen(db: Db, nonce: string): boolean {
  if (getStandaloneChallenge(db, nonce)) return true;
  return (
    stmt(
      db,
      `SELECT 1 FROM standalone_packages
        WHERE substr(consent_statement, -length(?) - 1) = char(10) || ? LIMIT 1`,
    ).get(nonce, nonce) !== undefined
  );
}
