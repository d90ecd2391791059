import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export function sha256(data: Buffer | string): Buffer {
  return createHash('sha256').update(data).digest();
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `key` is secret material: never log it. */
export function hmacSha256(key: Buffer, data: Buffer | string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/**
 * Compares MACs and tokens without leaking where they differ. A length mismatch returns
 * false (the length of a MAC is not secret) instead of throwing as timingSafeEqual does.
 */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array)) return false;
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}
