import { asCoreError } from '../core/index.js';
import type { BridgeError, BridgeResult } from '../shared/result.js';

export function ok<T>(value: T): BridgeResult<T> {
  return { ok: true, value };
}

export function fail(code: string, message: string): BridgeResult<never> {
  return { ok: false, error: { code, message } };
}

/** A core failure as data the renderer can switch on (codes survive IPC; classes do not). */
export function failFrom(e: unknown): BridgeResult<never> {
  const err = asCoreError(e);
  const error: BridgeError = { code: err.code, message: err.message };
  if (err.earliestAt !== null) error.earliestAt = err.earliestAt;
  if (err.details) error.details = err.details;
  return { ok: false, error };
}
