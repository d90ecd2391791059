/**
 * What every bridge call resolves to. Errors are data, not thrown: a class does not
 * survive Electron's structured clone or JSON, but a code does, and the UI switches on it.
 */
export interface BridgeError {
  code: string;
  message: string;
  /** For TOO_EARLY: when hand-in opens, in server time. */
  earliestAt?: number;
  /** What the server added, e.g. `seatNo` with WRONG_SEAT. */
  details?: Record<string, unknown>;
}

export type BridgeResult<T> = { ok: true; value: T } | { ok: false; error: BridgeError };
