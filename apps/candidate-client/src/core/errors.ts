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
