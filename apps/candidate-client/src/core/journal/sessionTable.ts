import type { CandidateProfile, PaperProof, SittingView } from '@exam/protocol';
import type { Db } from './openDb.js';
import { stmt } from './statements.js';
import type { StoredSession } from './types.js';

/** Mirrors the `session` table (one row, id = 1). */
interface SessionRow {
  id: 1;
  server_url: string;
  session_token: string;
  ticket_no: string;
  sitting_id: string;
  profile: string;
  sitting: string;
  sealed_paper: string;
  paper_proof: string | null;
}

export function getSession(db: Db): StoredSession | null {
  const row = stmt(db, 'SELECT * FROM session WHERE id = 1').get() as SessionRow | undefined;
  if (!row) return null;
  return {
    serverUrl: row.server_url,
    sessionToken: row.session_token,
    ticketNo: row.ticket_no,
    sittingId: row.sitting_id,
    profile: JSON.parse(row.profile) as CandidateProfile,
    sitting: JSON.parse(row.sitting) as SittingView,
    sealedPaper: row.sealed_paper,
    paperProof: row.paper_proof === null ? null : (JSON.parse(row.paper_proof) as PaperProof),
  };
}

export function putSession(db: Db, s: StoredSession): void {
  stmt(
    db,
    `INSERT INTO session (id, server_url, session_token, ticket_no, sitting_id, profile, sitting, sealed_paper,
       paper_proof)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET
       server_url = excluded.server_url, session_token = excluded.session_token,
       ticket_no = excluded.ticket_no, sitting_id = excluded.sitting_id, profile = excluded.profile,
       sitting = excluded.sitting, sealed_paper = excluded.sealed_paper, paper_proof = excluded.paper_proof`,
  ).run(
    s.serverUrl,
    s.sessionToken,
    s.ticketNo,
    s.sittingId,
    JSON.stringify(s.profile),
    JSON.stringify(s.sitting),
    s.sealedPaper,
    s.paperProof === null ? null : JSON.stringify(s.paperProof),
  );
}

export function deleteSession(db: Db): void {
  stmt(db, 'DELETE FROM session').run();
}
