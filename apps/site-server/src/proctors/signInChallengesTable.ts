import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

/** `proctor_challenges`: every sign-in challenge the site issued, and whether it was used. */
export interface SignInChallengeRow {
  challenge: string;
  /** The socket.io connection it was issued to: it is answered on that connection or not at all. */
  connection_id: string;
  issued_at: number;
  used_at: number | null;
  /** Fingerprint of the proctor key that used it. */
  used_by: string | null;
}

export function insertChallenge(db: Db, challenge: string, connectionId: string, issuedAt: number): void {
  stmt(db, 'INSERT INTO proctor_challenges (challenge, connection_id, issued_at) VALUES (?, ?, ?)').run(
    challenge,
    connectionId,
    issuedAt,
  );
}

export function getChallenge(db: Db, challenge: string): SignInChallengeRow | undefined {
  return stmt(db, 'SELECT * FROM proctor_challenges WHERE challenge = ?').get(challenge) as
    | SignInChallengeRow
    | undefined;
}

/** Marks a challenge used; false when it was already used (the caller refuses the sign-in). */
export function markChallengeUsed(db: Db, challenge: string, usedAt: number, usedBy: string): boolean {
  return (
    stmt(
      db,
      'UPDATE proctor_challenges SET used_at = ?, used_by = ? WHERE challenge = ? AND used_at IS NULL',
    ).run(usedAt, usedBy, challenge).changes === 1
  );
}

export function deleteChallengesIssuedBefore(db: Db, before: number): number {
  return stmt(db, 'DELETE FROM proctor_challenges WHERE issued_at < ?').run(before).changes;
}
