import { z } from 'zod';

/**
 * The centre's word on a paper. The site server only relays a sealed paper and, at the start,
 * its key; a test machine believes neither until it has checked this signature against the
 * centre root it was installed with. It names the sealed bytes and the opened paper both: a
 * relay cannot swap the sealed text, and a key that opened a paper other than the one the
 * centre sealed (AES-GCM is not key-committing) does not pass either.
 */
export const paperProofSchema = z.strictObject({
  paperId: z.string().min(1).max(64),
  /** Hex SHA-256 of the paper JSON exactly as sealed. */
  paperSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The centre's RSA-PSS signature over `paperStatement`, base64. */
  signature: z.base64().max(1024),
});
export type PaperProof = z.infer<typeof paperProofSchema>;

/** The exact text the centre signs for a paper; a flat object in fixed key order. */
export function paperStatement(p: {
  sittingId: string;
  paperId: string;
  sealedSha256: string;
  paperSha256: string;
}): string {
  return JSON.stringify({
    purpose: 'exam-paper',
    sittingId: p.sittingId,
    paperId: p.paperId,
    sealedSha256: p.sealedSha256,
    paperSha256: p.paperSha256,
  });
}
