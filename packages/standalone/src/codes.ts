import { randomBytes } from 'node:crypto';
import { sha256Hex } from '@exam/crypto';

/**
 * The authorization code of a standalone package is the key to its paper (see package.ts):
 * 12 Crockford base32 characters, 60 random bits, shown as XXXX-XXXX-XXXX so a proctor can
 * read it to a candidate. Crockford's alphabet leaves out I, L, O and U, so what people
 * confuse can be mapped back (O→0, I/L→1).
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_CHARS = 12;

export function newStandaloneCode(): string {
  // 60 bits from 8 random bytes: take 5 bits at a time, the 4 left over are dropped.
  const bits = randomBytes(8).readBigUInt64BE();
  let out = '';
  for (let i = 0; i < CODE_CHARS; i++) out += ALPHABET[Number((bits >> BigInt(5 * i)) & 31n)];
  return grouped(out);
}

/** What a person typed, as the canonical XXXX-XXXX-XXXX, or null if it cannot be a code. */
export function normaliseStandaloneCode(input: string): string | null {
  const raw = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (raw.length !== CODE_CHARS || [...raw].some((c) => !ALPHABET.includes(c))) return null;
  return grouped(raw);
}

/**
 * The candidate's ID number as the package carries it: salted with the packageId so the USB
 * stick does not reveal the number (an 18-character ID with a known birth date is guessable,
 * but not across packages with one table), and still checkable at the machine's login.
 */
export function hashIdNumber(packageId: string, idNumber: string): string {
  return sha256Hex(`${packageId}|${idNumber.replace(/\s/g, '').toUpperCase()}`);
}

/**
 * The ID check a proctor console holds for a candidate (decision 0017, amendment): the same
 * hash as hashIdNumber, keyed by a salt the site fixed for this candidate and sitting instead
 * of a packageId (which does not exist yet when the console receives it).
 */
export function idCheckHash(salt: string, idNumber: string): string {
  return hashIdNumber(salt, idNumber);
}

/** Whether the typed ID number is the package candidate's, whichever check the package carries. */
export function idNumberMatches(
  packageId: string,
  candidate: { idNumberHash?: string | undefined; idCheck?: { salt: string; hash: string } | undefined },
  idNumber: string,
): boolean {
  if (candidate.idCheck) return idCheckHash(candidate.idCheck.salt, idNumber) === candidate.idCheck.hash;
  if (candidate.idNumberHash) return hashIdNumber(packageId, idNumber) === candidate.idNumberHash;
  return false;
}

function grouped(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}
