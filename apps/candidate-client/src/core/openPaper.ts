import { openFromString, sha256Hex, verifySignature } from '@exam/crypto';
import { type Paper, type PaperProof, paperSchema, paperStatement } from '@exam/protocol';
import { CoreError, LOCAL_ERROR_CODES } from './errors.js';

/**
 * Opens a sealed paper with the sitting key, but only the paper the centre sealed: the
 * centre's signature (checked against the root this machine was installed with) must name
 * these sealed bytes, and the opened text must be the one it names. A paper a rogue server
 * sealed with its own key, or a key that opens the real text into something else, is
 * refused before a word is shown. The sitting id is the additional data, so a paper sealed
 * for another sitting fails too. Key material is never logged, and the error says nothing
 * about it.
 */
export function openPaper(
  key: Buffer,
  sealedPaper: string,
  sittingId: string,
  proof: PaperProof,
  centreRootPem: string,
): Paper {
  const statement = paperStatement({
    sittingId,
    paperId: proof.paperId,
    sealedSha256: sha256Hex(sealedPaper),
    paperSha256: proof.paperSha256,
  });
  if (!verifySignature(statement, Buffer.from(proof.signature, 'base64'), centreRootPem)) {
    throw untrusted('The paper does not carry the exam centre signature.');
  }
  let plain: Buffer;
  try {
    plain = openFromString(key, sealedPaper, Buffer.from(sittingId));
  } catch {
    throw new CoreError(LOCAL_ERROR_CODES.PAPER_UNREADABLE, 'The paper could not be opened with this key.');
  }
  if (sha256Hex(plain) !== proof.paperSha256) {
    throw untrusted('The opened paper is not the one the exam centre signed.');
  }
  let json: unknown;
  try {
    json = JSON.parse(plain.toString('utf8'));
  } catch {
    throw new CoreError(LOCAL_ERROR_CODES.PAPER_UNREADABLE, 'The opened paper is malformed.');
  }
  const parsed = paperSchema.safeParse(json);
  if (!parsed.success)
    throw new CoreError(LOCAL_ERROR_CODES.PAPER_UNREADABLE, 'The opened paper is malformed.');
  if (parsed.data.paperId !== proof.paperId)
    throw untrusted('The paper is not the one the exam centre signed.');
  return parsed.data;
}

function untrusted(message: string): CoreError {
  return new CoreError(LOCAL_ERROR_CODES.PAPER_UNTRUSTED, message);
}
