import { VIOLATION_CATEGORY_KEYS } from '@exam/domain';
import { describe, expect, it } from 'vitest';
import { consequenceText, errorText, translator, violationName } from './i18n.js';

describe('the console’s languages', () => {
  it('fills parameters and shows a dash for a missing one', () => {
    const zh = translator('zh');
    expect(zh('tile.answered', { a: 3, t: 10 })).toBe('已答 3/10');
    expect(zh('history.reset', { reason: null })).toBe('被重置（—）');
    expect(translator('en')('tile.answered', { a: 3, t: 10 })).toBe('3/10 answered');
  });

  it('turns known error codes into sentences and keeps the host’s message for others', () => {
    const zh = translator('zh');
    expect(errorText(zh, { code: 'RATE_LIMITED', message: 'x' })).toContain('锁定 10 分钟');
    expect(errorText(zh, { code: 'SOMETHING_NEW', message: 'disk full' })).toBe('操作失败：disk full');
  });

  it('names every violation category of the domain module in both languages, with its handling', () => {
    for (const c of VIOLATION_CATEGORY_KEYS) {
      expect(violationName('zh', c)).toMatch(/\p{Script=Han}/u);
      expect(violationName('en', c)).toMatch(/[a-z]/);
      expect(consequenceText('zh', c).length).toBeGreaterThan(4);
    }
    expect(consequenceText('zh', 'external-device')).toBe('按严重违纪违规行为处理');
  });
});
