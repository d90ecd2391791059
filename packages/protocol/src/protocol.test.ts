import { describe, expect, it } from 'vitest';
import {
  answerFitsItem,
  answerSaveSchema,
  ERROR_CODES,
  examDataSchema,
  type Item,
  ProtocolError,
  parseMessage,
} from './index.js';

describe('message parsing', () => {
  it('accepts a well-formed save and fills the default flag', () => {
    const save = parseMessage(answerSaveSchema, {
      sittingId: 'S1',
      changes: [{ seq: 1, itemId: 'Q1', value: 'A', madeAt: 1_000 }],
    });
    expect(save.changes[0]).toEqual({ seq: 1, itemId: 'Q1', value: 'A', flagged: false, madeAt: 1_000 });
  });

  it('refuses unknown fields, wrong types and oversized batches with INVALID_MESSAGE', () => {
    const bad = [
      null,
      'x',
      { sittingId: 'S1', changes: [] },
      { sittingId: 'S1', changes: [{ seq: 0, itemId: 'Q1', value: 'A', madeAt: 0 }] },
      { sittingId: 'S1', changes: [{ seq: 1, itemId: 'Q1', value: { nested: true }, madeAt: 0 }] },
      { sittingId: 'S1', changes: [{ seq: 1, itemId: 'Q1', value: 'A', madeAt: 0 }], extra: 1 },
      {
        sittingId: 'S1',
        changes: Array.from({ length: 201 }, (_, i) => ({ seq: i + 1, itemId: 'Q', value: null, madeAt: 0 })),
      },
      // When the change was made: required, whole milliseconds, not before the epoch.
      { sittingId: 'S1', changes: [{ seq: 1, itemId: 'Q1', value: 'A' }] },
      { sittingId: 'S1', changes: [{ seq: 1, itemId: 'Q1', value: 'A', madeAt: -1 }] },
      { sittingId: 'S1', changes: [{ seq: 1, itemId: 'Q1', value: 'A', madeAt: 1.5 }] },
      { sittingId: 'S1', changes: [{ seq: 1, itemId: 'Q1', value: 'A', madeAt: '1000' }] },
    ];
    for (const input of bad) {
      try {
        parseMessage(answerSaveSchema, input);
        expect.unreachable(`accepted ${JSON.stringify(input)?.slice(0, 80)}`);
      } catch (e) {
        expect(e).toBeInstanceOf(ProtocolError);
        expect((e as ProtocolError).code).toBe(ERROR_CODES.INVALID_MESSAGE);
      }
    }
  });

  it('refuses exam data without candidates', () => {
    expect(examDataSchema.safeParse({ examId: 'E', candidates: [] }).success).toBe(false);
  });
});

describe('answer shape per item kind', () => {
  const single: Item = {
    id: 'Q1',
    kind: 'single',
    stem: '',
    points: 1,
    options: [
      { key: 'A', text: '' },
      { key: 'B', text: '' },
    ],
  };
  const multiple: Item = { ...single, kind: 'multiple' };
  const text: Item = { id: 'Q3', kind: 'text', stem: '', points: 10, maxChars: 5 };

  it('accepts only existing options, no duplicates, and text within the limit', () => {
    expect(answerFitsItem(single, 'A')).toBe(true);
    expect(answerFitsItem(single, 'C')).toBe(false);
    expect(answerFitsItem(single, ['A'])).toBe(false);
    expect(answerFitsItem(multiple, ['A', 'B'])).toBe(true);
    expect(answerFitsItem(multiple, ['A', 'A'])).toBe(false);
    expect(answerFitsItem(text, '经济学原')).toBe(true);
    expect(answerFitsItem(text, '经济学原理啊')).toBe(false);
    expect(answerFitsItem(text, null)).toBe(true);
  });
});
