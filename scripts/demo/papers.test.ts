import { describe, expect, it } from 'vitest';
import { demoPapers, syntheticAnswerKey, syntheticPaper } from './papers.js';
import type { AnswerKey, Item, Paper } from './types.js';

const CJK = /[\u4e00-\u9fff]/;

function byId(): Map<string, { paper: Paper; answerKey: AnswerKey }> {
  return new Map(demoPapers().map((p) => [p.paper.paperId, p]));
}

function get(paperId: string): { paper: Paper; answerKey: AnswerKey } {
  const found = byId().get(paperId);
  if (!found) throw new Error(`missing paper ${paperId}`);
  return found;
}

function countKinds(items: readonly Item[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item.kind] = (counts[item.kind] ?? 0) + 1;
  return counts;
}

/** Returns a list of problems: an answer of the wrong shape for its item, or a dangling entry. */
function keyProblems(paper: Paper, key: AnswerKey): string[] {
  const problems: string[] = [];
  const items = new Map(paper.items.map((i) => [i.id, i]));
  for (const [id, value] of Object.entries(key)) {
    const item = items.get(id);
    if (!item) {
      problems.push(`${id}: no such item`);
      continue;
    }
    switch (item.kind) {
      case 'single':
        if (typeof value !== 'string' || !item.options.some((o) => o.key === value)) {
          problems.push(`${id}: single key must be one option key`);
        }
        break;
      case 'multiple':
        if (
          !Array.isArray(value) ||
          value.length < 2 ||
          value.length >= item.options.length ||
          new Set(value).size !== value.length ||
          !value.every((k) => item.options.some((o) => o.key === k))
        ) {
          problems.push(
            `${id}: multiple key must be 2+ distinct option keys with at least one wrong option left`,
          );
        }
        break;
      case 'truefalse':
        if (typeof value !== 'boolean') problems.push(`${id}: true/false key must be boolean`);
        break;
      case 'text':
        if (value !== null) problems.push(`${id}: text key must be null`);
        break;
    }
  }
  for (const item of paper.items) if (!(item.id in key)) problems.push(`${item.id}: no key`);
  return problems;
}

function totals(paper: Paper): { items: number; points: number } {
  return { items: paper.items.length, points: paper.items.reduce((s, i) => s + i.points, 0) };
}

/** The "本试卷共 N 题，满分 M 分" line every paper's instructions start with. */
function statedTotals(paper: Paper): { items: number; points: number } {
  const m = /本试卷共 (\d+) 题，满分 (\d+) 分/.exec(paper.instructions);
  if (!m) throw new Error(`${paper.paperId}: instructions do not state the totals`);
  return { items: Number(m[1]), points: Number(m[2]) };
}

function itemWithStem(paper: Paper, fragment: string): Item {
  const item = paper.items.find((i) => i.stem.includes(fragment));
  if (!item) throw new Error(`no item with stem containing ${fragment}`);
  return item;
}

/** The text of the keyed option of a single-choice item. */
function keyedText(paperId: string, fragment: string): string {
  const { paper, answerKey } = get(paperId);
  const item = itemWithStem(paper, fragment);
  if (item.kind !== 'single') throw new Error(`${item.id} is not single choice`);
  const option = item.options.find((o) => o.key === answerKey[item.id]);
  if (!option) throw new Error(`${item.id}: key is not an option`);
  return option.text;
}

describe('demo papers', () => {
  it('returns the three demo subjects in order', () => {
    expect(demoPapers().map((p) => p.paper.paperId)).toEqual(['J-ECON', 'J-BIZ', 'S-PRAC']);
  });

  it('gives every item a unique id prefixed with its paper id', () => {
    for (const { paper } of demoPapers()) {
      const ids = paper.items.map((i) => i.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toMatch(new RegExp(`^${paper.paperId}-\\d{3}$`));
    }
  });

  it('keys every item, and only existing items, with an answer of the right shape', () => {
    for (const { paper, answerKey } of demoPapers()) expect(keyProblems(paper, answerKey)).toEqual([]);
  });

  it('detects a dangling key entry and a wrongly shaped multiple-choice key', () => {
    const { paper, answerKey } = get('J-ECON');
    const multipleId = paper.items.find((i) => i.kind === 'multiple')?.id ?? '';
    const broken: AnswerKey = { ...answerKey, 'J-ECON-999': 'A', [multipleId]: ['A'] };
    expect(keyProblems(paper, broken)).toHaveLength(2);
  });

  it('states item and point totals in the instructions that match the items', () => {
    for (const { paper } of demoPapers()) expect(totals(paper)).toEqual(statedTotals(paper));
  });

  it('has choice items with sequential option keys A.. and a blank for the answer', () => {
    for (const { paper } of demoPapers()) {
      for (const item of paper.items) {
        expect(CJK.test(item.stem), item.id).toBe(true);
        if (item.kind !== 'single' && item.kind !== 'multiple') continue;
        expect(item.stem, item.id).toContain('（  ）');
        expect(item.options.map((o) => o.key)).toEqual(
          ['A', 'B', 'C', 'D', 'E'].slice(0, item.options.length),
        );
        expect(new Set(item.options.map((o) => o.text)).size, item.id).toBe(item.options.length);
      }
    }
  });

  it('builds J-ECON from 20 single, 10 multiple and 5 true/false items worth 1, 2 and 1 points', () => {
    const { paper } = get('J-ECON');
    expect(countKinds(paper.items)).toEqual({ single: 20, multiple: 10, truefalse: 5 });
    for (const item of paper.items) {
      expect(item.points).toBe(item.kind === 'multiple' ? 2 : 1);
      if (item.kind === 'single') expect(item.options).toHaveLength(4);
      if (item.kind === 'multiple') expect(item.options.length).toBeGreaterThanOrEqual(4);
      if (item.kind === 'multiple') expect(item.options.length).toBeLessThanOrEqual(5);
    }
    expect(paper.cases).toEqual([]);
  });

  it('builds J-BIZ from 15 single, 8 multiple and two case groups of 3–4 choice items', () => {
    const { paper } = get('J-BIZ');
    const standalone = paper.items.filter((i) => i.caseId === undefined);
    expect(countKinds(standalone)).toEqual({ single: 15, multiple: 8 });
    expect(paper.cases).toHaveLength(2);
    for (const c of paper.cases) {
      const group = paper.items.filter((i) => i.caseId === c.id);
      expect(group.length).toBeGreaterThanOrEqual(3);
      expect(group.length).toBeLessThanOrEqual(4);
      for (const item of group) expect(['single', 'multiple']).toContain(item.kind);
      expect(c.text.length).toBeGreaterThanOrEqual(200);
      expect(c.text.length).toBeLessThanOrEqual(400);
    }
  });

  it('builds S-PRAC from three 300–600 character cases with two long-text items each, 100 points', () => {
    const { paper } = get('S-PRAC');
    expect(paper.cases).toHaveLength(3);
    for (const c of paper.cases) {
      const group = paper.items.filter((i) => i.caseId === c.id);
      expect(group.map((i) => i.kind)).toEqual(['text', 'text']);
      expect(c.text.length).toBeGreaterThanOrEqual(300);
      expect(c.text.length).toBeLessThanOrEqual(600);
    }
    for (const item of paper.items) {
      if (item.kind !== 'text') throw new Error(`${item.id} should be a text item`);
      expect(item.maxChars).toBeGreaterThanOrEqual(800);
      expect(item.maxChars).toBeLessThanOrEqual(1500);
    }
    expect(totals(paper).points).toBe(100);
  });

  it('only references cases that exist, and every case has items', () => {
    for (const { paper } of demoPapers()) {
      const caseIds = new Set(paper.cases.map((c) => c.id));
      expect(caseIds.size).toBe(paper.cases.length);
      for (const item of paper.items) if (item.caseId !== undefined) expect(caseIds).toContain(item.caseId);
      for (const c of paper.cases)
        expect(
          paper.items.some((i) => i.caseId === c.id),
          c.id,
        ).toBe(true);
    }
  });

  it('keys the calculation items with the arithmetically correct option', () => {
    // Price elasticity: (100 / 1000) / (2 / 10).
    expect(Number(keyedText('J-ECON', '需求价格弹性系数的绝对值'))).toBeCloseTo(0.1 / 0.2);
    expect(Number(keyedText('J-ECON', '存款乘数'))).toBe(1 / 0.1);
    expect(Number(keyedText('J-ECON', '中位数是'))).toBe((7 + 9) / 2);
    expect(Number(keyedText('J-BIZ', '本利和'))).toBeCloseTo(100 * 1.05 ** 2, 2);
    expect(Number(keyedText('J-BIZ', '设备组的年生产能力'))).toBeCloseTo((250 * 2 * 8 * (1 - 0.1) * 5) / 2);
    expect(Number(keyedText('J-BIZ', '方案一的期望收益'))).toBeCloseTo(0.3 * 600 + 0.5 * 300 + 0.2 * -100);
    expect(Number(keyedText('J-BIZ', '盈亏平衡点销售量'))).toBe(120 / (10 - 4));
    // Pessimistic (maximin): worst outcomes are −100, 50 and 100, so plan three.
    expect(keyedText('J-BIZ', '悲观原则进行决策')).toBe('方案三');
  });

  it('builds a fresh copy on each call, so callers may mutate their papers', () => {
    const first = demoPapers();
    first[0]?.paper.items.pop();
    expect(demoPapers()[0]?.paper.items).toHaveLength(35);
  });
});

describe('synthetic paper', () => {
  it('has exactly the requested number of uniquely identified items', () => {
    const paper = syntheticPaper(200);
    expect(paper.items).toHaveLength(200);
    expect(new Set(paper.items.map((i) => i.id)).size).toBe(200);
    expect(totals(paper)).toEqual(statedTotals(paper));
  });

  it('mixes every item kind and has case groups that exist', () => {
    const paper = syntheticPaper(200);
    expect(Object.keys(countKinds(paper.items)).sort()).toEqual(['multiple', 'single', 'text', 'truefalse']);
    expect(paper.cases).toHaveLength(4);
    const caseIds = new Set(paper.cases.map((c) => c.id));
    for (const item of paper.items) if (item.caseId !== undefined) expect(caseIds).toContain(item.caseId);
  });

  it('is deterministic', () => {
    expect(syntheticPaper(200)).toEqual(syntheticPaper(200));
  });

  it('has a key of the right shape for every item', () => {
    const paper = syntheticPaper(200);
    expect(keyProblems(paper, syntheticAnswerKey(paper))).toEqual([]);
  });

  it('refuses item counts outside 1..1000', () => {
    expect(() => syntheticPaper(0)).toThrow(RangeError);
    expect(() => syntheticPaper(1001)).toThrow(RangeError);
    expect(() => syntheticPaper(2.5)).toThrow(RangeError);
  });
});
