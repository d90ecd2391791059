import type { SaveOutcome, SaveRequest } from './commitSaves.js';

/** What the answer writer thread is started with. */
export interface WriterStart {
  dbPath: string;
}

export type WriterRequest =
  | { kind: 'commit'; id: number; saves: SaveRequest[]; at: number }
  | { kind: 'close' };

export type WriterReply =
  | { kind: 'committed'; id: number; outcomes: SaveOutcome[]; tookMs: number }
  // An Error does not cross threads with its `code`; the handlers need it (SQLITE_FULL).
  | { kind: 'failed'; id: number; error: { name: string; message: string; code: string | null } }
  | { kind: 'closed' };
