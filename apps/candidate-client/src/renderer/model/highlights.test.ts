import { describe, expect, it } from 'vitest';
import { addSpan, segments } from './highlights.js';

describe('highlights', () => {
  it('merges overlapping and touching spans', () => {
    let spans = addSpan([], { start: 2, end: 4 });
    spans = addSpan(spans, { start: 6, end: 8 });
    spans = addSpan(spans, { start: 3, end: 6 });
    expect(spans).toEqual([{ start: 2, end: 8 }]);
    expect(addSpan(spans, { start: 5, end: 5 })).toEqual(spans);
  });

  it('cuts text into plain and marked pieces that join back to the text', () => {
    const parts = segments('需求价格弹性', [{ start: 2, end: 4 }]);
    expect(parts.map((p) => [p.text, p.marked])).toEqual([
      ['需求', false],
      ['价格', true],
      ['弹性', false],
    ]);
    expect(
      segments('abc', [{ start: 1, end: 99 }])
        .map((p) => p.text)
        .join(''),
    ).toBe('abc');
  });
});
