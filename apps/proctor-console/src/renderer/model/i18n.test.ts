import { VIOLATION_CATEGORY_KEYS } from '@exam/domain';
import { describe, expect, it } from 'vitest';
import { checklistText, consequenceText, errorText, translator, violationName } from './i18n.js';

describe('the console’s languages', () => {
  it('fills parameters and shows a dash for a missing one', () => {
    const zh = translator('zh-CN');
    expect(zh('tile.answered', { a: 3, t: 10 })).toBe('已答 3/10');
    expect(zh('history.reset', { reason: null })).toBe('被重置（—）');
    expect(translator('en')('tile.answered', { a: 3, t: 10 })).toBe('3/10 answered');
  });

  it('turns known error codes into sentences and keeps the host’s message for others', () => {
    const zh = translator('zh-CN');
    expect(errorText(zh, { code: 'RATE_LIMITED', message: 'x' })).toContain('锁定 10 分钟');
    expect(errorText(zh, { code: 'SOMETHING_NEW', message: 'disk full' })).toBe('操作失败：disk full');
  });

  it('words the end checklist in Chinese from its figures, with no English left in', () => {
    const zh = translator('zh-CN');
    expect(checklistText(zh, { key: 'all-accounted', ok: false, count: 2 })).toBe('还有 2 名考生正在作答。');
    expect(checklistText(zh, { key: 'all-accounted', ok: true, count: 1 })).toBe(
      '所有考生已交卷或缺考；1 名未登录的考生将记为缺考。',
    );
    const keys = ['all-accounted', 'answers-synced', 'standalone-collected', 'transfers-resolved'] as const;
    for (const key of keys) {
      for (const ok of [true, false]) {
        expect(checklistText(zh, { key, ok, count: 3 })).not.toMatch(/[A-Za-z]/);
        expect(checklistText(translator('en'), { key, ok, count: 3 })).toMatch(/^[\x20-\x7e’]+$/);
      }
    }
  });

  it('says which room a proctor key belongs to when another room is asked for', () => {
    const e = { code: 'ROOM_MISMATCH', message: 'x', details: { keyRoom: 'R01', room: 'R02' } };
    expect(errorText(translator('zh-CN'), e)).toBe(
      '此监考锁属于考场 R01，不能用于考场 R02。请使用考场 R02 的监考锁，或用主考锁选择考场。',
    );
    expect(errorText(translator('en'), e)).toContain('for room R01, not R02');
  });

  it('names every violation category of the domain module in both languages, with its handling', () => {
    for (const c of VIOLATION_CATEGORY_KEYS) {
      expect(violationName('zh-CN', c)).toMatch(/\p{Script=Han}/u);
      expect(violationName('en', c)).toMatch(/[a-z]/);
      expect(consequenceText('zh-CN', c).length).toBeGreaterThan(4);
    }
    expect(consequenceText('zh-CN', 'external-device')).toBe('按严重违纪违规行为处理');
  });
});
