import { type Translate as ShellTranslate, translator } from '@exam/shell/i18n';
import { en } from './en.js';
import { type MessageKey, zhCN } from './zh-CN.js';

/** zh-CN first (the site admin's language), English one click away. */
export const LANGS = Object.freeze(['zh-CN', 'en'] as const);
export type Lang = (typeof LANGS)[number];
export type { MessageKey };
export type Translate = ShellTranslate<MessageKey>;

/** A figure not known shows as a dash. */
export const MESSAGES = translator<Lang, MessageKey>({ 'zh-CN': zhCN, en }, { missing: () => '—' });

/** Where the chosen language is remembered (per browser profile, this origin only). */
export const LANG_STORAGE_KEY = 'exam-site-admin-lang';

export function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (LANGS as readonly string[]).includes(v);
}
