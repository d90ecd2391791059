import type { Item } from '@exam/protocol';
import { memo } from 'preact/compat';
import { useI18n } from '../i18n/i18n.js';
import type { AnswerBook } from '../model/answerBook.js';

type SectionKind = Item['kind'] | 'case';

interface Section {
  kind: SectionKind;
  from: number;
  to: number;
}

/** Runs of one kind, as the real paper is laid out (单选, 多选, 判断, 案例分析…). */
export function sectionsOf(items: readonly Item[]): Section[] {
  const out: Section[] = [];
  items.forEach((item, i) => {
    const kind: SectionKind = item.caseId ? 'case' : item.kind;
    const last = out[out.length - 1];
    if (last && last.kind === kind) last.to = i;
    else out.push({ kind, from: i, to: i });
  });
  return out;
}

function NavigatorView(props: {
  items: readonly Item[];
  book: AnswerBook;
  revision: number;
  current: number;
  onJump: (index: number) => void;
}) {
  const { t } = useI18n();
  const { items, book, current } = props;
  return (
    <nav class="navigator" aria-label={t('exam.navigator')}>
      <h2 class="navigator-title">{t('exam.navigator')}</h2>
      <ul class="legend" aria-hidden="true">
        <li>
          <span class="cell answered" /> {t('exam.legend.answered')}
        </li>
        <li>
          <span class="cell" /> {t('exam.legend.unanswered')}
        </li>
        <li>
          <span class="cell flagged" /> {t('exam.legend.flagged')}
        </li>
        <li>
          <span class="cell current" /> {t('exam.legend.current')}
        </li>
      </ul>
      <div class="navigator-grid">
        {sectionsOf(items).map((s) => (
          <section key={s.from} aria-label={t(`exam.kind.${s.kind}`)}>
            <h3>{t(`exam.kind.${s.kind}`)}</h3>
            <div class="cells">
              {items.slice(s.from, s.to + 1).map((item, k) => {
                const i = s.from + k;
                const answered = book.answered(item.id);
                const flagged = book.flagged(item.id);
                const state = [
                  t(answered ? 'exam.state.answered' : 'exam.state.unanswered'),
                  ...(flagged ? [t('exam.state.flagged')] : []),
                ].join('，');
                return (
                  <button
                    key={item.id}
                    type="button"
                    class={`cell${answered ? ' answered' : ''}${flagged ? ' flagged' : ''}${i === current ? ' current' : ''}`}
                    aria-current={i === current ? 'step' : undefined}
                    aria-label={t('exam.itemLabel', { n: i + 1, state })}
                    data-n={i + 1}
                    onClick={() => props.onJump(i)}
                  >
                    {i + 1}
                  </button>
                );
              })}
            </div>
          </section>
        ))}
      </div>
    </nav>
  );
}

/** Re-rendered only when an answer, a flag or the current item changes. */
export const Navigator = memo(
  NavigatorView,
  (a, b) => a.revision === b.revision && a.current === b.current && a.items === b.items,
);
