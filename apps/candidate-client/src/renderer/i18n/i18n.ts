import { type Translate as ShellTranslate, translator as shellTranslator } from '@exam/shell/i18n';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en } from './en.js';
import { type MessageKey, zhCN } from './zh-CN.js';

export type Locale = 'zh-CN' | 'en';
export type Translate = ShellTranslate<MessageKey>;

/** The shell's mechanism over this app's two message files. */
export const MESSAGES = shellTranslator<Locale, MessageKey>({ 'zh-CN': zhCN, en });

export function translator(locale: Locale): Translate {
  return MESSAGES.in(locale);
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
