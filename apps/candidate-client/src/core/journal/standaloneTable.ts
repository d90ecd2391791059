import type { StandaloneHandIn, StandalonePackageContent } from '@exam/protocol';
import type { Db } from './openDb.js';
import { stmt } from './statements.js';

/** Mirrors the `standalone_packages` table (migration 0005). */
interface StandalonePackageRow {
  package_id: string;
  ticket_no: string;
  sitting_id: string;
  content: string;
  source_dir: string;
  state: 'active' | 'finished';
  opened_at: number;
  started: 0 | 1;
  elapsed_ms: number;
  hand_in: string | null;
  file_seq: number;
  last_file: string | null;
}

/** Where the last answer file went: each folder it was written to, and each it could not be. */
export interface WrittenAnswerFile {
  fileSeq: number;
  fileName: string;
  written: string[];
  failed: { dir: string; reason: string }[];
  handIn: boolean;
}

/** A package this machine opened, as the journal keeps it. The content holds the sitting key. */
export interface StoredStandalonePackage {
  packageId: string;
  content: StandalonePackageContent;
  /** The folder the package was read from: the answer files go there too. */
  sourceDir: string;
  state: 'active' | 'finished';
  openedAt: number;
  /** The candidate has logged in: the count-down runs whenever the client runs. */
  started: boolean;
  /** The count since the package's issuedAt, as last checkpointed. */
  elapsedMs: number;
  handIn: StandaloneHandIn | null;
  /** The last answer file sequence taken (0: none yet). */
  fileSeq: number;
  lastFile: WrittenAnswerFile | null;
}

function toPackage(r: StandalonePackageRow): StoredStandalonePackage {
  return {
    packageId: r.package_id,
    content: JSON.parse(r.content) as StandalonePackageContent,
    sourceDir: r.source_dir,
    state: r.state,
    openedAt: r.opened_at,
    started: r.started === 1,
    elapsedMs: r.elapsed_ms,
    handIn: r.hand_in === null ? null : (JSON.parse(r.hand_in) as StandaloneHandIn),
    fileSeq: r.file_seq,
    lastFile: r.last_file === null ? null : (JSON.parse(r.last_file) as WrittenAnswerFile),
  };
}

export function getActivePackage(db: Db): StoredStandalonePackage | null {
  const row = stmt(db, "SELECT * FROM standalone_packages WHERE state = 'active'").get() as
    | StandalonePackageRow
    | undefined;
  return row ? toPackage(row) : null;
}

export function getPackage(db: Db, packageId: string): StoredStandalonePackage | null {
  const row = stmt(db, 'SELECT * FROM standalone_packages WHERE package_id = ?').get(packageId) as
    | StandalonePackageRow
    | undefined;
  return row ? toPackage(row) : null;
}

export function insertPackage(
  db: Db,
  p: { content: StandalonePackageContent; sourceDir: string; openedAt: number },
): void {
  stmt(
    db,
    `INSERT INTO standalone_packages (package_id, ticket_no, sitting_id, content, source_dir, state, opened_at)
     VALUES (?, ?, ?, ?, ?, 'active', ?)`,
  ).run(
    p.content.packageId,
    p.content.candidate.ticketNo,
    p.content.sittingId,
    JSON.stringify(p.content),
    p.sourceDir,
    p.openedAt,
  );
}

export function markStarted(db: Db, packageId: string): void {
  stmt(db, 'UPDATE standalone_packages SET started = 1 WHERE package_id = ?').run(packageId);
}

/** The count only moves forward: a late checkpoint never winds it back. */
export function checkpointElapsed(db: Db, packageId: string, elapsedMs: number): void {
  stmt(db, 'UPDATE standalone_packages SET elapsed_ms = max(elapsed_ms, ?) WHERE package_id = ?').run(
    Math.floor(elapsedMs),
    packageId,
  );
}

export function setHandIn(db: Db, packageId: string, handIn: StandaloneHandIn): void {
  stmt(db, 'UPDATE standalone_packages SET hand_in = ? WHERE package_id = ? AND hand_in IS NULL').run(
    JSON.stringify(handIn),
    packageId,
  );
}

/** Takes the next answer file sequence; committed before the file is written, so never reused. */
export function takeFileSeq(db: Db, packageId: string): number {
  return (
    stmt(
      db,
      'UPDATE standalone_packages SET file_seq = file_seq + 1 WHERE package_id = ? RETURNING file_seq',
    ).get(packageId) as { file_seq: number }
  ).file_seq;
}

export function setLastFile(db: Db, packageId: string, file: WrittenAnswerFile): void {
  stmt(db, 'UPDATE standalone_packages SET last_file = ? WHERE package_id = ?').run(
    JSON.stringify(file),
    packageId,
  );
}

/**
 * The session is over: the row stays (a used package is refused if imported again) but the
 * sitting key and the sealed paper go, so the disk no longer holds an opened paper.
 */
export function finishPackage(db: Db, packageId: string): void {
  stmt(
    db,
    `UPDATE standalone_packages SET state = 'finished',
       content = json_set(content, '$.paper.sittingKey', '', '$.paper.sealed', '')
     WHERE package_id = ?`,
  ).run(packageId);
}

/** Mirrors the `standalone_lock` table (one row, id = 1). */
export interface CodeLockRow {
  failures: number;
  locked_until: number | null;
}

export function getCodeLock(db: Db): CodeLockRow {
  return (
    (stmt(db, 'SELECT failures, locked_until FROM standalone_lock WHERE id = 1').get() as
      | CodeLockRow
      | undefined) ?? { failures: 0, locked_until: null }
  );
}

export function putCodeLock(db: Db, row: CodeLockRow): void {
  stmt(
    db,
    `INSERT INTO standalone_lock (id, failures, locked_until) VALUES (1, ?, ?)
     ON CONFLICT (id) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
  ).run(row.failures, row.locked_until);
}
