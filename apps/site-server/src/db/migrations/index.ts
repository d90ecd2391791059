import type Database from 'better-sqlite3';
import { m0001Initial } from './0001_initial.js';

export type Migration = (db: Database.Database) => void;

/** Append only: never edit or reorder a migration that has shipped. */
export const migrations: readonly Migration[] = Object.freeze([m0001Initial]);
