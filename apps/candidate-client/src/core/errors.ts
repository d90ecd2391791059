import { CLIENT_ERROR_CODES, type ErrorCode } from '@exam/protocol';

/**
 * Failures that never reach the server, so they have no protocol code: the transport's
 * (OFFLINE, TIMEOUT, BAD_REPLY, shared with the console through the contract) and this core's.
 */
export const LOCAL_ERROR_CODES = Object.freeze({
  ...CLIENT_ERROR_CODES,
  /** The paper could not be opened with the key that came. */
  PAPER_UNREADABLE: 'PAPER_UNREADABLE',
  /** The paper lacks the exam centre's signature, or is not the paper it names. */
  PAPER_UNTRUSTED: 'PAPER_UNTRUSTED',
  /** The core was closed. */
  CLOSED: 'CLOSED',
  /** Standalone import (issue 17): the package file could not be read from the path given. */
  STANDALONE_UNREADABLE: 'STANDALONE_UNREADABLE',
  /** The package was refused; `details.reason` is the StandaloneErrorCode (BAD_FILE, WRONG_MACHINE…). */
  STANDALONE_REFUSED: 'STANDALONE_REFUSED',
  /** The paper inside the package does not carry the exam centre's signature. */
  STANDALONE_PAPER_UNTRUSTED: 'STANDALONE_PAPER_UNTRUSTED',
  /** Not an authorization code at all (length, letters): not counted as a wrong code. */
  STANDALONE_CODE_MALFORMED: 'STANDALONE_CODE_MALFORMED',
  /** The code did not open the package; `details.remaining` tries before the lock. */
  STANDALONE_WRONG_CODE: 'STANDALONE_WRONG_CODE',
  /** Too many wrong codes: import locked until `details.lockedUntil` (ms, this machine's clock). */
  STANDALONE_LOCKED: 'STANDALONE_LOCKED',
  /** Another candidate's standalone package is active on this machine. */
  STANDALONE_OTHER_ACTIVE: 'STANDALONE_OTHER_ACTIVE',
  /** This package was used to the end on this machine already. */
  STANDALONE_USED: 'STANDALONE_USED',
  /** A candidate is logged in (online) on this machine: no import now. */
  STANDALONE_SESSION_OPEN: 'STANDALONE_SESSION_OPEN',
  /** No package was inspected before the code, or no standalone session runs. */
  STANDALONE_NONE: 'STANDALONE_NONE',
  /** The answer file could not be written to this machine's data folder. */
  STANDALONE_WRITE_FAILED: 'STANDALONE_WRITE_FAILED',
} as const);
export type LocalErrorCode = (typeof LOCAL_ERROR_CODES)[keyof typeof LOCAL_ERROR_CODES];

/** What the core rejects with: the server's typed error, or a local one. UIs switch on `code`. */
export class CoreError extends Error {
  /** For TOO_EARLY: when hand-in opens, in server time, taken from the error's details. */
  readonly earliestAt: number | null;

  constructor(
    readonly code: ErrorCode | LocalErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'CoreError';
    const at = details?.earliestAt;
    this.earliestAt = typeof at === 'number' ? at : null;
  }
}

/** Anything thrown inside the core, as the CoreError a UI can switch on. */
export function asCoreError(e: unknown): CoreError {
  if (e instanceof CoreError) return e;
  return new CoreError('INTERNAL', e instanceof Error ? e.message : String(e));
}
