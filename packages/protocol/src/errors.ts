/**
 * Stable error codes: clients switch on the code, people read the message. Frozen
 * `as const` object rather than an enum so the values are plain strings on the wire.
 */
export const ERROR_CODES = Object.freeze({
  PROTOCOL_VERSION: 'PROTOCOL_VERSION',
  INVALID_MESSAGE: 'INVALID_MESSAGE',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  RATE_LIMITED: 'RATE_LIMITED',
  NOT_READY: 'NOT_READY',
  NOT_REGISTERED: 'NOT_REGISTERED',
  /** The machine has not proved its key on this connection, or no proctor approved it for a seat. */
  MACHINE_NOT_APPROVED: 'MACHINE_NOT_APPROVED',
  /** A signature that does not verify with the machine's key: the connection is closed. */
  MACHINE_PROOF_FAILED: 'MACHINE_PROOF_FAILED',
  /** No join request from that machine waits in this room. */
  NO_JOIN_REQUEST: 'NO_JOIN_REQUEST',
  UNKNOWN_ROOM: 'UNKNOWN_ROOM',
  UNKNOWN_SEAT: 'UNKNOWN_SEAT',
  /** A candidate's login was refused; the precise reason goes to the proctor only. */
  LOGIN_FAILED: 'LOGIN_FAILED',
  UNKNOWN_TICKET: 'UNKNOWN_TICKET',
  WRONG_ID_NUMBER: 'WRONG_ID_NUMBER',
  WRONG_ROOM: 'WRONG_ROOM',
  WRONG_SEAT: 'WRONG_SEAT',
  NO_SITTING: 'NO_SITTING',
  ALREADY_LOGGED_IN: 'ALREADY_LOGGED_IN',
  LOGIN_NOT_OPEN: 'LOGIN_NOT_OPEN',
  LATE_ENTRY_CLOSED: 'LATE_ENTRY_CLOSED',
  SESSION_INVALID: 'SESSION_INVALID',
  /** A newer login or resume of the same candidate took over: this connection saves no more. */
  SESSION_REPLACED: 'SESSION_REPLACED',
  /** A change's sequence is already stored with different content: never acknowledged. */
  SEQ_CONFLICT: 'SEQ_CONFLICT',
  /** A change's sequence runs further ahead of what is stored than ANSWER_SEQ_WINDOW allows. */
  SEQ_OUT_OF_WINDOW: 'SEQ_OUT_OF_WINDOW',
  /** A change made (or arriving, from a machine that was online) after the candidate's end. */
  AFTER_END: 'AFTER_END',
  /** A change made after the candidate's hand-in, or a resume of a handed-in sitting. */
  HANDED_IN: 'HANDED_IN',
  NOT_LOGGED_IN: 'NOT_LOGGED_IN',
  UNKNOWN_SITTING: 'UNKNOWN_SITTING',
  UNKNOWN_ITEM: 'UNKNOWN_ITEM',
  SITTING_NOT_STARTED: 'SITTING_NOT_STARTED',
  SITTING_ALREADY_STARTED: 'SITTING_ALREADY_STARTED',
  SITTING_ENDED: 'SITTING_ENDED',
  TOO_EARLY: 'TOO_EARLY',
  TOO_LATE_TO_OPEN: 'TOO_LATE_TO_OPEN',
  ALREADY_HANDED_IN: 'ALREADY_HANDED_IN',
  CODE_REQUIRED: 'CODE_REQUIRED',
  BAD_CODE: 'BAD_CODE',
  CHECKLIST_INCOMPLETE: 'CHECKLIST_INCOMPLETE',
  NOT_ALLOWED_NOW: 'NOT_ALLOWED_NOW',
  CANDIDATES_STILL_ANSWERING: 'CANDIDATES_STILL_ANSWERING',
  STORAGE_FULL: 'STORAGE_FULL',
  BAD_PACKAGE: 'BAD_PACKAGE',
  /** The candidate's standalone package is out (issue 17): no online login or resume until it is collected or cancelled. */
  STANDALONE_ACTIVE: 'STANDALONE_ACTIVE',
  /** The chief examiner's consent did not verify (key, role, signature, or challenge). */
  CONSENT_REFUSED: 'CONSENT_REFUSED',
  /** No standalone package with that id was exported at this site. */
  UNKNOWN_PACKAGE: 'UNKNOWN_PACKAGE',
  /** The standalone package was cancelled: its answer files are refused. */
  STANDALONE_CANCELLED: 'STANDALONE_CANCELLED',
  /** An answer file no newer than one already collected for its package (a replay or an older file). */
  STALE_ANSWER_FILE: 'STALE_ANSWER_FILE',
  /** An answer file signed by a machine other than the package's target machine. */
  WRONG_MACHINE: 'WRONG_MACHINE',
  /** The exam data's arrangement breaks the overbooking rules (issue 19): nothing was imported. */
  ARRANGEMENT_REFUSED: 'ARRANGEMENT_REFUSED',
  /** The machine already holds another candidate of this sitting, or its seat is reserved for another. */
  SEAT_TAKEN: 'SEAT_TAKEN',
  /** No free approved machine is left in the room: transfer the candidate out. */
  NO_FREE_SEAT: 'NO_FREE_SEAT',
  /** The candidate was transferred out of the room and no room has taken them in yet. */
  TRANSFERRED_OUT: 'TRANSFERRED_OUT',
  /** The receiving room has no free approved machine for one more candidate. */
  ROOM_FULL: 'ROOM_FULL',
  /** No open transfer with that id at this site (or not one this room may act on). */
  UNKNOWN_TRANSFER: 'UNKNOWN_TRANSFER',
  INTERNAL: 'INTERNAL',
} as const);

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export interface AppError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** Every acknowledgement has this shape (STYLE §5). */
export type Ack<T> = { ok: true; value: T } | { ok: false; error: AppError };

export function ok<T>(value: T): Ack<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string, details?: Record<string, unknown>): Ack<never> {
  return details ? { ok: false, error: { code, message, details } } : { ok: false, error: { code, message } };
}

/** Thrown inside handlers; turned into a typed acknowledgement at the boundary. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}
