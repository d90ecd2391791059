import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en } from './en.js';
import { type MessageKey, zhCN } from './zh-CN.js';

export type Locale = 'zh-CN' | 'en';
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const DICTIONARIES: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

export function translator(locale: Locale): Translate {
  const dict = DICTIONARIES[locale];
  return (key, params) => {
    const text = dict[key] ?? key;
    return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => String(params[name] ?? m)) : text;
  };
}

export interface I18n {
  locale: Locale;
  t: Translate;
  setLocale(locale: Locale): void;
}

export const I18nContext = createContext<I18n>({
  locale: 'zh-CN',
  t: translator('zh-CN'),
  setLocale: () => {},
});

export function useI18n(): I18n {
  return useContext(I18nContext);
}
