import { sealToString, sha256Hex, sign } from '@exam/crypto';
import { type Paper, type PaperProof, paperStatement } from '@exam/protocol';
import type { Credential } from './pki.js';

export interface SealedPaper extends PaperProof {
  sittingId: string;
  /** The paper JSON sealed with the sitting key; AAD is the sitting id. */
  sealed: string;
}

/**
 * Seals one sitting's paper with its key and signs what a test machine will check before it
 * shows a word: these sealed bytes, and the paper they open to (`paperProof.ts`).
 */
export function sealPaper(paper: Paper, sittingId: string, key: Buffer, centre: Credential): SealedPaper {
  const plain = Buffer.from(JSON.stringify(paper));
  const sealed = sealToString(key, plain, Buffer.from(sittingId));
  const paperSha256 = sha256Hex(plain);
  const statement = paperStatement({
    sittingId,
    paperId: paper.paperId,
    sealedSha256: sha256Hex(sealed),
    paperSha256,
  });
  return {
    paperId: paper.paperId,
    sittingId,
    sealed,
    paperSha256,
    signature: sign(statement, centre.privateKeyPem).toString('base64'),
  };
}
