import { openFromString } from '@exam/crypto';
import { type Paper, paperSchema } from '@exam/protocol';
import { CoreError, LOCAL_ERROR_CODES } from './errors.js';

/**
 * Opens a sealed paper with the sitting key. The sitting id is the additional data, so a
 * paper sealed for another sitting fails authentication instead of opening. Key material
 * is never logged, and the error says nothing about it.
 */
export function openPaper(key: Buffer, sealedPaper: string, sittingId: string): Paper {
  let json: unknown;
  try {
    json = JSON.parse(openFromString(key, sealedPaper, Buffer.from(sittingId)).toString('utf8'));
  } catch {
    throw new CoreError(LOCAL_ERROR_CODES.PAPER_UNREADABLE, 'The paper could not be opened with this key.');
  }
  const parsed = paperSchema.safeParse(json);
  if (!parsed.success)
    throw new CoreError(LOCAL_ERROR_CODES.PAPER_UNREADABLE, 'The opened paper is malformed.');
  return parsed.data;
}
