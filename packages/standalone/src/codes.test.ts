import { describe, expect, it } from 'vitest';
import { hashIdNumber, newStandaloneCode, normaliseStandaloneCode } from './codes.js';

describe('standalone authorization codes', () => {
  it('are 12 Crockford characters in three groups, and differ every time', () => {
    const codes = new Set(Array.from({ length: 200 }, () => newStandaloneCode()));
    expect(codes.size).toBe(200);
    for (const code of codes) {
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
      expect(normaliseStandaloneCode(code)).toBe(code);
    }
  });

  it('accept what a person types: case, spaces, dashes, O for 0 and I or L for 1', () => {
    expect(normaliseStandaloneCode(' k7qm 2zx9 hb4t ')).toBe('K7QM-2ZX9-HB4T');
    expect(normaliseStandaloneCode('O1IL-oo0i-lL10')).toBe('0111-0001-1110');
    expect(normaliseStandaloneCode('K7QM2ZX9HB4T')).toBe('K7QM-2ZX9-HB4T');
  });

  it('refuse what cannot be a code', () => {
    expect(normaliseStandaloneCode('K7QM-2ZX9-HB4')).toBeNull();
    expect(normaliseStandaloneCode('K7QM-2ZX9-HB4TT')).toBeNull();
    expect(normaliseStandaloneCode('K7QM-2ZX9-HB4U')).toBeNull(); // U is not in the alphabet
    expect(normaliseStandaloneCode('')).toBeNull();
  });

  it('hash the ID number per package, whatever case or spacing it was typed in', () => {
    const a = '0123456789abcdef0123456789abcdef';
    const b = 'fedcba9876543210fedcba9876543210';
    expect(hashIdNumber(a, '11010519800101001x')).toBe(hashIdNumber(a, ' 11010519800101001X'));
    expect(hashIdNumber(a, '11010519800101001X')).not.toBe(hashIdNumber(b, '11010519800101001X'));
    expect(hashIdNumber(a, '11010519800101001X')).toMatch(/^[0-9a-f]{64}$/);
  });
});
