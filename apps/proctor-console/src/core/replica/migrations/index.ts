import type { Migration } from '@exam/sqlite';
import { m0001Initial } from './0001_initial.js';
import { m0002MadeAt } from './0002_made_at.js';

/** Append only: never edit or reorder a migration that has shipped. */
export const migrations: readonly Migration[] = Object.freeze([m0001Initial, m0002MadeAt]);
