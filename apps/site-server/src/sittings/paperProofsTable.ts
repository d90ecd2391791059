import type { PaperProof } from '@exam/protocol';
import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';

interface PaperProofRow {
  sitting_id: string;
  paper_id: string;
  paper_sha256: string;
  signature: string;
}

export function insertPaperProof(db: Db, sittingId: string, proof: Omit<PaperProof, 'paperId'>): void {
  stmt(db, 'INSERT INTO paper_proofs (sitting_id, paper_sha256, signature) VALUES (?, ?, ?)').run(
    sittingId,
    proof.paperSha256,
    proof.signature,
  );
}

/** The centre's signature over a sitting's paper, or undefined for one imported before they existed. */
export function getPaperProof(db: Db, sittingId: string): PaperProof | undefined {
  const row = stmt(
    db,
    `SELECT p.sitting_id, s.paper_id, p.paper_sha256, p.signature
       FROM paper_proofs p JOIN sittings s USING (sitting_id) WHERE p.sitting_id = ?`,
  ).get(sittingId) as PaperProofRow | undefined;
  return row ? { paperId: row.paper_id, paperSha256: row.paper_sha256, signature: row.signature } : undefined;
}
