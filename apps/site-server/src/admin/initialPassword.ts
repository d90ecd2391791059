import { randomBytes } from 'node:crypto';

/**
 * The one-time initial admin password: 16 Crockford base32 characters (80 random bits) shown
 * as XXXX-XXXX-XXXX-XXXX. What people confuse is mapped back before it is checked (O→0,
 * I/L→1, dashes and spaces dropped, any case), as for the standalone codes.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CHARS = 16;

export function newInitialPassword(): string {
  const bytes = randomBytes(10); // 80 bits: exactly 16 characters of 5 bits
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < CHARS; i++) out += ALPHABET[Number((bits >> BigInt(5 * i)) & 31n)];
  return out.match(/.{4}/g)!.join('-');
}

/** The canonical form the hash is of, or null when the input cannot be an initial password. */
export function normaliseInitialPassword(input: string): string | null {
  const raw = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (raw.length !== CHARS || [...raw].some((c) => !ALPHABET.includes(c))) return null;
  return raw.match(/.{4}/g)!.join('-');
}
