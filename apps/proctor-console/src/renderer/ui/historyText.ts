import { VIOLATION_CATEGORY_KEYS, type ViolationCategory } from '@exam/domain';
import type { HistoryEntry } from '../../shared/api.js';
import { displayState } from '../model/display.js';
import { alertKindText, hasMessage, type Lang, type Translate, violationName } from '../model/i18n.js';

const STATE_OF_STATUS: Record<string, Parameters<typeof displayState>[0]['status']> = {
  'not-started': 'not-started',
  'logged-in': 'logged-in',
  answering: 'answering',
  'handed-in': 'handed-in',
  absent: 'absent',
};

function stateName(t: Translate, status: unknown): string {
  const s = STATE_OF_STATUS[String(status)];
  if (!s) return String(status);
  const tileLike = { status: s, resetPending: false } as Parameters<typeof displayState>[0];
  return t(`state.${displayState(tileLike)}`);
}

/** One history line as a sentence in the console's language. */
export function historyText(t: Translate, lang: Lang, e: HistoryEntry): string {
  const p = e.params;
  switch (e.kind) {
    case 'status':
      return t('history.status', { from: stateName(t, p.from), to: stateName(t, p.to) });
    case 'violation': {
      const c = String(p.category);
      const known = (VIOLATION_CATEGORY_KEYS as readonly string[]).includes(c);
      return t('history.violation', { category: known ? violationName(lang, c as ViolationCategory) : null });
    }
    case 'handedIn':
      return t(p.how === 'auto' ? 'history.autoHandedIn' : 'history.handedIn');
    case 'alert':
      return t('history.alert', { alert: alertKindText(t, String(p.alert)), detail: String(p.detail ?? '') });
    case 'transferResolved': {
      // The outcome in words; one this console does not know is shown as sent.
      const key = `outcome.${String(p.outcome)}`;
      return t('history.transferResolved', {
        outcome: hasMessage(key) ? t(key) : String(p.outcome),
        note: String(p.note ?? ''),
      });
    }
    default:
      return t(`history.${e.kind}`, p as Record<string, string | number | null>);
  }
}
