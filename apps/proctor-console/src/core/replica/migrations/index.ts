import type { Migration } from '@exam/sqlite';
import { m0001Initial } from './0001_initial.js';
import { m0002MadeAt } from './0002_made_at.js';
import { m0003StandaloneKit } from './0003_standalone_kit.js';

/** Append only: never edit or reorder a migration that has shipped. */
export const migrations: readonly Migration[] = Object.freeze([
  m0001Initial,
  m0002MadeAt,
  m0003StandaloneKit,
]);
