import { describe, expect, it } from 'vitest';
import { receivedAnswerPackageSchema } from './packages.js';
import { parseReceivedAnswerPackage } from './parseReceivedPackage.js';

/**
 * The direct path for answer changes must say exactly what the package schema says: the same
 * refusals and the same output (compared as JSON text, so key order too), for every form of
 * change a site writes, an older site wrote, or an altered package holds.
 */
const change = {
  seq: 1,
  itemId: 'J-001',
  value: 'A',
  flagged: false,
  madeAt: 1_000,
  receivedAt: 1_100,
};

function packageWith(changes: unknown[], rest: Record<string, unknown> = {}): string {
  return JSON.stringify({
    examId: 'E1',
    siteId: 'S1',
    sittingId: 'B1',
    subjectCode: 'ECON',
    exportedAt: 10_000,
    finality: { kind: 'final' },
    candidates: [
      {
        ticketNo: '210400100001',
        roomId: 'R1',
        seatNo: 1,
        status: 'handed-in',
        handedInAt: 5_000,
        handInKind: 'manual',
        extensionMs: 0,
        changes: [{ ...change, seq: 100 }, ...changes],
      },
      {
        ticketNo: '210400100002',
        roomId: 'R1',
        seatNo: 2,
        status: 'absent',
        handedInAt: null,
        handInKind: null,
        extensionMs: 0,
        changes: [],
      },
    ],
    audit: [],
    ...rest,
  });
}

/** Both parsers on the bytes as the verifier reads them (JSON.parse of the payload). */
function same(text: string): boolean {
  const direct = parseReceivedAnswerPackage(JSON.parse(text));
  const schema = receivedAnswerPackageSchema.safeParse(JSON.parse(text));
  expect(direct.success).toBe(schema.success);
  if (direct.success && schema.success) expect(JSON.stringify(direct.data)).toBe(JSON.stringify(schema.data));
  return direct.success;
}

const accepted: [string, unknown][] = [
  ['the site’s form', change],
  [
    'keys in another order',
    { receivedAt: 1_100, flagged: true, value: null, itemId: 'J-2', seq: 2, madeAt: 0 },
  ],
  ['a boolean answer', { ...change, value: true }],
  ['a multiple choice', { ...change, value: ['A', 'BCD'] }],
  ['an empty multiple choice', { ...change, value: [] }],
  ['a long text', { ...change, value: 'x'.repeat(50_000) }],
  ['a text answer in Chinese', { ...change, value: '供给曲线向右移动' }],
  ['a late arrival', { ...change, lateArrival: true }],
  ['a standalone change', { ...change, source: 'standalone', standalonePackageId: 'a'.repeat(32) }],
  ['an online change said so', { ...change, source: 'online' }],
  [
    'an older site’s change without madeAt',
    { seq: 3, itemId: 'J-3', value: 'B', flagged: false, receivedAt: 7 },
  ],
  ['an item id outside printable ASCII but safe', { ...change, itemId: '题-001' }],
  ['a negative receivedAt', { ...change, receivedAt: -5 }],
];

const refused: [string, unknown][] = [
  ['an unknown key', { ...change, extra: 1 }],
  ['a __proto__ key', JSON.parse(`{"__proto__":{"x":1},${JSON.stringify(change).slice(1)}`)],
  ['seq 0', { ...change, seq: 0 }],
  ['seq past the limit', { ...change, seq: 10_000_001 }],
  ['a fractional seq', { ...change, seq: 1.5 }],
  ['seq as text', { ...change, seq: '1' }],
  ['an unsafe integer', { ...change, receivedAt: 2 ** 60 }],
  ['an empty item id', { ...change, itemId: '' }],
  ['an item id too long', { ...change, itemId: 'J'.repeat(65) }],
  ['an item id with a bidi control', { ...change, itemId: 'J\u202E1' }],
  ['an item id with a control character', { ...change, itemId: 'J\u00001' }],
  ['a text too long', { ...change, value: 'x'.repeat(50_001) }],
  ['too many choices', { ...change, value: Array.from({ length: 11 }, () => 'A') }],
  ['an empty choice key', { ...change, value: [''] }],
  ['a choice key too long', { ...change, value: ['ABCDE'] }],
  ['a number as the answer', { ...change, value: 3 }],
  ['an object as the answer', { ...change, value: { a: 1 } }],
  ['flagged as text', { ...change, flagged: 'no' }],
  ['a negative madeAt', { ...change, madeAt: -1 }],
  ['madeAt null', { ...change, madeAt: null }],
  ['no receivedAt', { seq: 1, itemId: 'J', value: null, flagged: false, madeAt: 1 }],
  ['lateArrival as text', { ...change, lateArrival: 'yes' }],
  ['an unknown source', { ...change, source: 'usb' }],
  ['a malformed standalone package id', { ...change, standalonePackageId: 'A'.repeat(32) }],
  ['a change that is an array', [1, 2]],
  ['a change that is null', null],
];

describe('the answer package’s direct path for changes', () => {
  it.each(accepted)('accepts %s exactly as the schema does', (_name, c) => {
    expect(same(packageWith([c]))).toBe(true);
  });

  it.each(refused)('refuses %s as the schema does', (_name, c) => {
    expect(same(packageWith([c]))).toBe(false);
  });

  it('decides everything but the changes with the schema', () => {
    // Older software: no finality is read as unstated.
    const old = JSON.parse(packageWith([change])) as Record<string, unknown>;
    delete old.finality;
    expect(same(JSON.stringify(old))).toBe(true);
    expect(parseReceivedAnswerPackage(old)).toMatchObject({
      success: true,
      data: { finality: { kind: 'unstated' } },
    });
    expect(same(packageWith([change], { siteId: '' }))).toBe(false);
    expect(same(packageWith([change], { finality: { kind: 'done' } }))).toBe(false);
    expect(same(packageWith([change], { unknown: true }))).toBe(false);
    expect(same(packageWith([change], { candidates: [{ ticketNo: '1', changes: [change] }] }))).toBe(false);
    expect(same(packageWith([change], { candidates: 'none' }))).toBe(false);
    expect(same(packageWith([change], { candidates: [null] }))).toBe(false);
    expect(same(JSON.stringify([1]))).toBe(false);
  });

  it('refuses a package whose only fault is one change among many valid ones', () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ ...change, seq: i + 1 }));
    expect(same(packageWith(many))).toBe(true);
    many[321] = { ...many[321]!, itemId: 'J\u202E1' };
    expect(same(packageWith(many))).toBe(false);
  });
});
