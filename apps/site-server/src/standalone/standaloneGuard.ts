import { ERROR_CODES, ProtocolError } from '@exam/protocol';
import type { Db } from '../db/open.js';
import {
  exportedPackageOf,
  exportedPackageOfSession,
  type StandalonePackageRow,
} from './standalonePackagesTable.js';

function refuse(pkg: StandalonePackageRow): never {
  throw new ProtocolError(
    ERROR_CODES.STANDALONE_ACTIVE,
    'This candidate continues on a standalone machine: online login waits until the proctor collects or cancels the standalone package.',
    { sittingId: pkg.sitting_id },
  );
}

/**
 * While a candidate's standalone package is out, their sitting lives on one offline machine:
 * an online login in any room would make a second copy of it. Called once the candidate is
 * identified (ticket and ID number both right), so it tells a guesser nothing.
 */
export function refuseIfStandaloneActive(db: Db, ticketNo: string): void {
  const pkg = exportedPackageOf(db, ticketNo);
  if (pkg) refuse(pkg);
}

/** A resume presenting the session the export revoked is told why, not just "invalid". */
export function refuseIfSessionWentStandalone(db: Db, sessionHash: string): void {
  const pkg = exportedPackageOfSession(db, sessionHash);
  if (pkg) refuse(pkg);
}

/**
 * A reset or an extension acts on the candidate's online session and the server's end: with
 * the package out, the sitting runs on the offline machine's own count (remainingMs), which
 * neither would reach. Cancel the package first (then export again with the new time).
 */
export function refuseWhileStandalone(db: Db, ticketNo: string, what: string): void {
  const pkg = exportedPackageOf(db, ticketNo);
  if (pkg) {
    throw new ProtocolError(
      ERROR_CODES.STANDALONE_ACTIVE,
      `Candidate ${ticketNo} continues on a standalone machine: ${what} waits until the package is collected or cancelled.`,
      { sittingId: pkg.sitting_id, ticketNo },
    );
  }
}
