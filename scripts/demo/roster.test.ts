import { afterEach, describe, expect, it, vi } from 'vitest';
import { demoRoster, idNumberCheckDigit, isValidIdNumber, SPECIALTIES } from './roster.js';

// The worked examples published with GB 11643 (resident identity number).
const KNOWN_GOOD = ['11010519491231002X', '440524188001010014'];

function ageIn2021(idNumber: string): number {
  return 2021 - Number(idNumber.slice(6, 10));
}

describe('resident ID numbers', () => {
  it('computes the published check characters, including X', () => {
    expect(idNumberCheckDigit('11010519491231002')).toBe('X');
    expect(idNumberCheckDigit('44052418800101001')).toBe('4');
  });

  it('accepts the published examples', () => {
    for (const id of KNOWN_GOOD) expect(isValidIdNumber(id)).toBe(true);
  });

  it('rejects the example with any single digit changed', () => {
    const id = KNOWN_GOOD[0] ?? '';
    for (let i = 0; i < 17; i++) {
      const digit = String((Number(id[i]) + 1) % 10);
      const changed = id.slice(0, i) + digit + id.slice(i + 1);
      expect(isValidIdNumber(changed), changed).toBe(false);
    }
    expect(isValidIdNumber('110105194912310021')).toBe(false);
  });

  it('rejects wrong lengths, letters, a lowercase x and impossible birth dates', () => {
    expect(isValidIdNumber('11010519491231002')).toBe(false);
    expect(isValidIdNumber('11010519491231002XX')).toBe(false);
    expect(isValidIdNumber('11010519491231002x')).toBe(false);
    expect(isValidIdNumber('1101051949123100AX')).toBe(false);
    const feb30 = '11010519490230002';
    expect(isValidIdNumber(feb30 + idNumberCheckDigit(feb30))).toBe(false);
  });

  it('refuses to compute a check character for anything but 17 digits', () => {
    expect(() => idNumberCheckDigit('1234')).toThrow(TypeError);
    expect(() => idNumberCheckDigit('1101051949123100A')).toThrow(TypeError);
  });
});

describe('demo roster', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const roster = demoRoster({ count: 500, seed: 7 });

  it('returns the requested number of candidates', () => {
    expect(roster).toHaveLength(500);
    expect(demoRoster({ count: 0 })).toEqual([]);
  });

  it('gives every candidate a valid, unique ID number for an age of 22–55 in 2021', () => {
    for (const c of roster) {
      expect(isValidIdNumber(c.idNumber), c.idNumber).toBe(true);
      expect(ageIn2021(c.idNumber)).toBeGreaterThanOrEqual(22);
      expect(ageIn2021(c.idNumber)).toBeLessThanOrEqual(55);
    }
    expect(new Set(roster.map((c) => c.idNumber)).size).toBe(roster.length);
  });

  it('encodes the gender in the parity of the 17th ID digit', () => {
    for (const c of roster) expect(Number(c.idNumber[16]) % 2 === 1 ? 'M' : 'F').toBe(c.gender);
    expect(new Set(roster.map((c) => c.gender))).toEqual(new Set(['M', 'F']));
  });

  it('issues unique 12-digit ticket numbers starting with 2104 and a Liaoning city code', () => {
    for (const c of roster) expect(c.ticketNo).toMatch(/^210421\d{6}$/);
    expect(new Set(roster.map((c) => c.ticketNo)).size).toBe(roster.length);
  });

  it('keeps ticket numbers unique in a large roster', () => {
    const big = demoRoster({ count: 20_000, seed: 1 });
    expect(new Set(big.map((c) => c.ticketNo)).size).toBe(big.length);
    expect(new Set(big.map((c) => c.idNumber)).size).toBe(big.length);
  });

  it('uses Chinese names of two or three characters', () => {
    for (const c of roster) expect(c.name).toMatch(/^[\u4e00-\u9fff]{2,3}$/);
    expect(roster.some((c) => c.name.length === 2)).toBe(true);
    expect(roster.some((c) => c.name.length === 3)).toBe(true);
  });

  it('assigns the demo subjects: juniors J-ECON and/or J-BIZ, seniors S-PRAC, all in 工商管理', () => {
    for (const c of roster) {
      expect(SPECIALTIES).toContain(c.specialty);
      expect(c.specialty).toBe('工商管理');
      if (c.level === 'senior') expect(c.subjects).toEqual(['S-PRAC']);
      else {
        expect(c.level).toBe('junior');
        expect(c.subjects.length).toBeGreaterThanOrEqual(1);
        expect(new Set(c.subjects).size).toBe(c.subjects.length);
        for (const s of c.subjects) expect(['J-ECON', 'J-BIZ']).toContain(s);
      }
    }
    const juniors = roster.filter((c) => c.level === 'junior');
    const onlyOne = juniors.filter((c) => c.subjects.length === 1).length;
    expect(onlyOne).toBeGreaterThan(0);
    expect(onlyOne).toBeLessThan(juniors.length / 4);
  });

  it('makes the requested share of candidates senior', () => {
    expect(roster.filter((c) => c.level === 'senior')).toHaveLength(50);
    expect(demoRoster({ count: 40, seniorShare: 0.25 }).filter((c) => c.level === 'senior')).toHaveLength(10);
    expect(demoRoster({ count: 40, seniorShare: 0 }).every((c) => c.level === 'junior')).toBe(true);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(demoRoster({ count: 50, seed: 7 })).toEqual(demoRoster({ count: 50, seed: 7 }));
    expect(demoRoster({ count: 50, seed: 8 })).not.toEqual(demoRoster({ count: 50, seed: 7 }));
  });

  it('never calls Math.random', () => {
    vi.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('Math.random used');
    });
    expect(() => demoRoster({ count: 100, seed: 3 })).not.toThrow();
  });

  it('refuses a negative count or a share outside 0..1', () => {
    expect(() => demoRoster({ count: -1 })).toThrow(RangeError);
    expect(() => demoRoster({ count: 10, seniorShare: 1.5 })).toThrow(RangeError);
  });
});
