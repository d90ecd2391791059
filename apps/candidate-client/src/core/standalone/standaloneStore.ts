import { RULES } from '@exam/domain';
import type { StandaloneHandIn, StandalonePackageContent } from '@exam/protocol';
import { changesAbove, latestPerItem } from '../journal/changesTable.js';
import { type Db, openJournalDb } from '../journal/openDb.js';
import {
  checkpointElapsed,
  finishPackage,
  getActivePackage,
  getCodeLock,
  getPackage,
  insertPackage,
  markStarted,
  putCodeLock,
  type StoredStandalonePackage,
  setHandIn,
  setLastFile,
  takeFileSeq,
  type WrittenAnswerFile,
} from '../journal/standaloneTable.js';
import type { CurrentAnswer, JournalChange, SittingRef } from '../journal/types.js';

/** Where the wrong-code count stands: locked until a time, or tries left before the lock. */
export type CodeLockState = { locked: true; lockedUntil: number } | { locked: false; remaining: number };

/**
 * The standalone mode's part of the answer journal (issue 17), on its own connection to the
 * same SQLite file the core journals to: the opened package, its count-down checkpoints, its
 * answer file sequence and the wrong-code lock. Every write is one fsync'd statement or
 * transaction, as the journal's.
 */
export class StandaloneStore {
  private constructor(private readonly db: Db) {}

  static open(journalPath: string): StandaloneStore {
    return new StandaloneStore(openJournalDb(journalPath));
  }

  active(): StoredStandalonePackage | null {
    return getActivePackage(this.db);
  }

  get(packageId: string): StoredStandalonePackage | null {
    return getPackage(this.db, packageId);
  }

  /** Refused by the schema's unique index if another package is active (the caller checks first). */
  add(content: StandalonePackageContent, sourceDir: string, openedAt: number): StoredStandalonePackage {
    insertPackage(this.db, { content, sourceDir, openedAt });
    return this.get(content.packageId)!;
  }

  markStarted(packageId: string): void {
    markStarted(this.db, packageId);
  }

  checkpoint(packageId: string, elapsedMs: number): void {
    checkpointElapsed(this.db, packageId, elapsedMs);
  }

  recordHandIn(packageId: string, handIn: StandaloneHandIn): void {
    setHandIn(this.db, packageId, handIn);
  }

  takeFileSeq(packageId: string): number {
    return takeFileSeq(this.db, packageId);
  }

  recordFile(packageId: string, file: WrittenAnswerFile): void {
    setLastFile(this.db, packageId, file);
  }

  finish(packageId: string): void {
    finishPackage(this.db, packageId);
  }

  /** Every change the journal holds above `seq` (acknowledged by the standalone source or not). */
  changesAbove(ref: SittingRef, seq: number): JournalChange[] {
    return changesAbove(this.db, ref, seq);
  }

  currentAnswers(ref: SittingRef): CurrentAnswer[] {
    return latestPerItem(this.db, ref);
  }

  /** The lock as of `now` (this machine's wall clock: the only one that survives a restart). */
  codeLock(now: number): CodeLockState {
    const row = getCodeLock(this.db);
    if (row.locked_until !== null && row.locked_until > now)
      return { locked: true, lockedUntil: row.locked_until };
    const failures = row.locked_until !== null ? 0 : row.failures;
    return { locked: false, remaining: RULES.standaloneCodeFailures - failures };
  }

  /** Counts a wrong code; the fifth locks import for RULES.standaloneCodeLockMinutes. */
  codeFailed(now: number): CodeLockState {
    return this.db
      .transaction((): CodeLockState => {
        const row = getCodeLock(this.db);
        const expired = row.locked_until !== null && row.locked_until <= now;
        const failures = (expired ? 0 : row.failures) + 1;
        if (failures >= RULES.standaloneCodeFailures) {
          const lockedUntil = now + RULES.standaloneCodeLockMinutes * 60_000;
          putCodeLock(this.db, { failures: 0, locked_until: lockedUntil });
          return { locked: true, lockedUntil };
        }
        putCodeLock(this.db, { failures, locked_until: null });
        return { locked: false, remaining: RULES.standaloneCodeFailures - failures };
      })
      .immediate();
  }

  codeSucceeded(): void {
    putCodeLock(this.db, { failures: 0, locked_until: null });
  }

  quickCheck(): string {
    return String(this.db.pragma('quick_check', { simple: true }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
