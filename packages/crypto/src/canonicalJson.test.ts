import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonicalJson.js';

function expectNotCanonical(value: unknown): void {
  expect(() => canonicalJson(value)).toThrow(expect.objectContaining({ code: 'NOT_CANONICAL' }));
}

describe('canonicalJson', () => {
  it('gives the same text whatever order the keys were added in', () => {
    expect(canonicalJson({ b: 1, a: 2, c: { y: true, x: null } })).toBe(
      canonicalJson({ c: { x: null, y: true }, a: 2, b: 1 }),
    );
  });

  it('sorts keys at every depth, keeps array order and writes no whitespace', () => {
    const value = { z: [3, 1, { b: 'x', a: [] }], a: { d: 1, c: 'é "q"' } };
    expect(canonicalJson(value)).toBe('{"a":{"c":"é \\"q\\"","d":1},"z":[3,1,{"a":[],"b":"x"}]}');
  });

  it('parses back to the same value', () => {
    const value = { n: -0.5, big: 1e21, s: 'line\nbreak', nested: [{ k: [null, false] }] };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });

  it('omits undefined properties, as JSON.stringify does', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it('writes a Date through toJSON', () => {
    expect(canonicalJson({ at: new Date('2025-06-07T08:00:00Z') })).toBe('{"at":"2025-06-07T08:00:00.000Z"}');
  });

  it('refuses NaN and Infinity', () => {
    expectNotCanonical({ score: Number.NaN });
    expectNotCanonical([Number.POSITIVE_INFINITY]);
  });

  it('refuses undefined in an array, functions, bigints and top-level undefined', () => {
    expectNotCanonical([1, undefined]);
    expectNotCanonical({ f: () => 1 });
    expectNotCanonical({ n: 1n });
    expectNotCanonical(undefined);
  });

  it('refuses class instances such as Map, which JSON would turn into {}', () => {
    expectNotCanonical({ m: new Map([['a', 1]]) });
  });

  it('refuses cycles', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expectNotCanonical(a);
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalJson([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });
});
