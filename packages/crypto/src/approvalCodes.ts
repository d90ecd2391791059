import { createHmac } from 'node:crypto';
import { canonicalJson } from './canonicalJson.js';
import { constantTimeEqual } from './hash.js';

/**
 * Short approval codes a person can read over the phone (Crockford base32, 10 characters):
 * one character of serial, then 45 bits of an HMAC-SHA256 over what the code authorises.
 * The site verifies offline with the same key; a code is bound to its parameters, so it
 * cannot be used for another room, sitting, candidate or number of minutes.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export interface ApprovalParams {
  kind: 'delayed-start' | 'extension';
  authority: 'province' | 'centre';
  siteId: string;
  roomId: string;
  sittingId: string;
  /** The day the code is valid (the sitting's local date, YYYY-MM-DD). */
  date: string;
  tickets?: string[];
  minutes?: number;
}

function macBits(key: Buffer, params: ApprovalParams, serial: number): string {
  const normalised = {
    ...params,
    tickets: [...(params.tickets ?? [])].sort(),
    minutes: params.minutes ?? 0,
    serial,
  };
  const mac = createHmac('sha256', key).update(canonicalJson(normalised)).digest();
  let bits = '';
  for (const byte of mac.subarray(0, 6)) bits += byte.toString(2).padStart(8, '0');
  return bits.slice(0, 45);
}

function encode(serial: number, bits: string): string {
  let out = ALPHABET[serial]!;
  for (let i = 0; i < 45; i += 5) out += ALPHABET[Number.parseInt(bits.slice(i, i + 5), 2)]!;
  return `${out.slice(0, 5)}-${out.slice(5)}`;
}

export function issueApprovalCode(key: Buffer, params: ApprovalParams, serial = 0): string {
  if (!Number.isInteger(serial) || serial < 0 || serial >= 32) throw new RangeError('serial must be 0..31');
  return encode(serial, macBits(key, params, serial));
}

/** Normalises what a person typed: case, the dash, and the letters people confuse (O→0, I/L→1). */
export function normaliseApprovalCode(input: string): string {
  const raw = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return raw.length === 10 ? `${raw.slice(0, 5)}-${raw.slice(5)}` : raw;
}

export function verifyApprovalCode(key: Buffer, params: ApprovalParams, input: string): boolean {
  const code = normaliseApprovalCode(input);
  const serial = ALPHABET.indexOf(code[0] ?? '');
  if (code.length !== 11 || serial < 0) return false;
  return constantTimeEqual(Buffer.from(encode(serial, macBits(key, params, serial))), Buffer.from(code));
}
