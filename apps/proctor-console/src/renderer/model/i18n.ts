import { CONSEQUENCE_ZH, MINUTE_MS, RULES, VIOLATION_CATEGORIES, type ViolationCategory } from '@exam/domain';
import type { ChecklistItem } from '@exam/protocol';
import { type Translate as ShellTranslate, translator as shellTranslator } from '@exam/shell/i18n';
import { en } from '../i18n/en.js';
import { type MessageKey, zhCN } from '../i18n/zh-CN.js';

/** zh-CN first: the console is used in Chinese exam rooms; English for support staff. */
export const LANGS = Object.freeze(['zh-CN', 'en'] as const);
export type Lang = (typeof LANGS)[number];

/** The shell's mechanism over the console's two message files; a figure not known shows as a dash. */
const MESSAGES = shellTranslator<Lang, MessageKey>({ 'zh-CN': zhCN, en }, { missing: () => '—' });

export type { MessageKey };
export type Translate = ShellTranslate<MessageKey>;

export function translator(lang: Lang): Translate {
  return MESSAGES.in(lang);
}

export function hasMessage(key: string): key is MessageKey {
  return MESSAGES.has(key);
}

/** Seconds since the last sync, in minutes once it is past two. */
export function syncText(t: Translate, seconds: number | null): string {
  if (seconds === null) return t('tile.never');
  return seconds < 120 ? t('tile.sync', { s: seconds }) : t('tile.syncMin', { m: Math.floor(seconds / 60) });
}

/**
 * An end-checklist item as a sentence in the console's language, from its key, verdict and
 * figures (the server's `detail` is English, for logs).
 */
export function checklistText(t: Translate, item: Pick<ChecklistItem, 'key' | 'ok' | 'count'>): string {
  return t(`check.${item.key}.${item.ok ? 'ok' : 'fail'}`, { n: item.count });
}

/** A client alert's kind as words; a kind this console does not know is shown as sent. */
export function alertKindText(t: Translate, kind: string): string {
  const key = `alert.${kind}`;
  return hasMessage(key) ? t(key) : kind;
}

/** Figures an error sentence quotes from the domain's rules (never written into the text). */
const ERROR_RULE_FIGURES: Readonly<Record<string, Record<string, number>>> = {
  RATE_LIMITED: { m: RULES.approvalCodeLockout.windowMs / MINUTE_MS },
  TOO_EARLY: { m: RULES.loginOpensBeforeStartMs / MINUTE_MS },
};

/**
 * A host error as a sentence for the proctor, its figures (rooms, times) from the error's
 * details and the domain's rules; unknown codes fall back to the host's message.
 */
export function errorText(
  t: Translate,
  e: { code: string; message: string; details?: Record<string, unknown> },
): string {
  // A refused file names its finer reason (the standalone format's code, issue 17): worded by it.
  const reason = e.details?.reason;
  const finer = e.code === 'BAD_PACKAGE' && typeof reason === 'string' ? `error.${reason}` : null;
  const key = finer && hasMessage(finer) ? finer : `error.${e.code}`;
  if (!hasMessage(key)) return t('error.other', { message: e.message });
  const params: Record<string, string | number> = { ...ERROR_RULE_FIGURES[e.code] };
  for (const [name, v] of Object.entries(e.details ?? {}))
    if (typeof v === 'string' || typeof v === 'number') params[name] = v;
  return t(key, params);
}

const VIOLATION_EN: Record<ViolationCategory, string> = {
  'mark-or-sign': 'Marking the answer sheet or signing outside the name field',
  'close-or-restart-machine': 'Closing or restarting the test machine',
  'move-screen-or-unit': 'Moving the screen a lot or moving the computer',
  'replace-or-damage-equipment': 'Replacing or damaging equipment',
  'external-device': 'Using one’s own external device',
  'cheating-tool': 'Installing cheating tools or programs',
  'system-intrusion': 'Breaking into the exam system or its data',
  'public-order': 'Breach of public order',
  other: 'Other violation',
};

const CONSEQUENCE_EN: Record<keyof typeof CONSEQUENCE_ZH, string> = {
  'score-void': 'the score of this subject is void',
  serious: 'handled as a serious violation',
  'especially-serious': 'handled as an especially serious violation',
  police: 'handed to the police',
  'per-order-31': 'handled under Order No. 31',
};

export function violationName(lang: Lang, c: ViolationCategory): string {
  return lang === 'zh-CN' ? VIOLATION_CATEGORIES[c].zh : VIOLATION_EN[c];
}

export function consequenceText(lang: Lang, c: ViolationCategory): string {
  const key = VIOLATION_CATEGORIES[c].consequence;
  return lang === 'zh-CN' ? CONSEQUENCE_ZH[key] : CONSEQUENCE_EN[key];
}
