import { describe, expect, it } from 'vitest';
import { translator } from './i18n.js';

const zhCN = { 'seat.label': '考场 {room} · 机位 {seat}', 'lang.switch': 'English' } as const;
const en: Record<keyof typeof zhCN, string> = {
  'seat.label': 'Room {room} · Seat {seat}',
  'lang.switch': '中文',
};

describe('the i18n mechanism', () => {
  it('shows each message in the chosen locale with its figures filled in', () => {
    const i18n = translator({ 'zh-CN': zhCN, en });
    expect(i18n.in('zh-CN')('seat.label', { room: 'R01', seat: 3 })).toBe('考场 R01 · 机位 3');
    expect(i18n.in('en')('seat.label', { room: 'R01', seat: 3 })).toBe('Room R01 · Seat 3');
    expect(i18n.in('en')('lang.switch')).toBe('中文');
  });

  it('shows a figure that is not given as the app chooses: the placeholder, or a dash', () => {
    expect(translator({ 'zh-CN': zhCN, en }).in('en')('seat.label', { room: 'R01' })).toBe(
      'Room R01 · Seat {seat}',
    );
    const dashed = translator({ 'zh-CN': zhCN, en }, { missing: () => '—' });
    expect(dashed.in('zh-CN')('seat.label', { room: 'R01', seat: null })).toBe('考场 R01 · 机位 —');
  });

  it('switches between the locales, zh-CN first', () => {
    const i18n = translator({ 'zh-CN': zhCN, en });
    expect(i18n.locales).toEqual(['zh-CN', 'en']);
    expect(i18n.next('zh-CN')).toBe('en');
    expect(i18n.next('en')).toBe('zh-CN');
  });

  it('knows its keys, for keys made at run time', () => {
    const i18n = translator({ 'zh-CN': zhCN, en });
    expect(i18n.has('seat.label')).toBe(true);
    expect(i18n.has('error.NOPE')).toBe(false);
    expect(i18n.has('toString')).toBe(false);
  });
});
