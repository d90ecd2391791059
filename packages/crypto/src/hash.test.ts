import { describe, expect, it } from 'vitest';
import { constantTimeEqual, hmacSha256, sha256Hex } from './hash.js';

describe('sha256Hex', () => {
  it('gives the FIPS 180-2 answer for "abc"', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('gives the same answer for a string and its UTF-8 bytes', () => {
    expect(sha256Hex(Buffer.from('考点', 'utf8'))).toBe(sha256Hex('考点'));
  });
});

describe('hmacSha256', () => {
  it('gives the RFC 4231 test case 2 answer', () => {
    const mac = hmacSha256(Buffer.from('Jefe'), 'what do ya want for nothing?');
    expect(mac.toString('hex')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });
});

describe('constantTimeEqual', () => {
  it('is true only for equal bytes', () => {
    expect(constantTimeEqual(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
    expect(constantTimeEqual(Buffer.from('abc'), Buffer.from('abd'))).toBe(false);
  });

  it('returns false on a length mismatch instead of throwing', () => {
    expect(constantTimeEqual(Buffer.from('abc'), Buffer.from('abcd'))).toBe(false);
    expect(constantTimeEqual(Buffer.alloc(0), Buffer.from('a'))).toBe(false);
  });
});
