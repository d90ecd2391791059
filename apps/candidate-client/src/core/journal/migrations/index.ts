import type { Migration } from '@exam/sqlite';
import { m0001Initial } from './0001_initial.js';
import { m0002RetiredSessions } from './0002_retired_sessions.js';
import { m0003MadeAt } from './0003_made_at.js';
import { m0004PaperProof } from './0004_paper_proof.js';
import { m0005Standalone } from './0005_standalone.js';

/** Append only: never edit or reorder a migration that has shipped. */
export const migrations: readonly Migration[] = Object.freeze([
  m0001Initial,
  m0002RetiredSessions,
  m0003MadeAt,
  m0004PaperProof,
  m0005Standalone,
]);
