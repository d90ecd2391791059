import type { AnswerValue, Item } from '@exam/protocol';
import { useI18n } from '../i18n/i18n.js';
import type { Span } from '../model/highlights.js';
import { HighlightText } from './HighlightText.js';
import { TextAnswer } from './TextAnswer.js';

export interface ItemViewProps {
  item: Item;
  n: number;
  value: AnswerValue | undefined;
  flagged: boolean;
  disabled: boolean;
  spans: readonly Span[];
  onAnswer: (value: AnswerValue) => void;
}

function Choices({ item, value, disabled, onAnswer }: ItemViewProps) {
  const { t } = useI18n();
  if (item.kind === 'text') return null;
  const name = `item-${item.id}`;
  if (item.kind === 'truefalse') {
    return (
      <div class="options">
        {[true, false].map((v) => (
          <label class={`option ${value === v ? 'selected' : ''}`} key={String(v)}>
            <input
              type="radio"
              name={name}
              checked={value === v}
              disabled={disabled}
              onChange={() => onAnswer(v)}
            />
            <span>{v ? t('exam.true') : t('exam.false')}</span>
          </label>
        ))}
      </div>
    );
  }
  const multiple = item.kind === 'multiple';
  const chosen = new Set(Array.isArray(value) ? value : typeof value === 'string' ? [value] : []);
  return (
    <div class="options">
      {item.options.map((o) => (
        <label class={`option ${chosen.has(o.key) ? 'selected' : ''}`} key={o.key}>
          <input
            type={multiple ? 'checkbox' : 'radio'}
            name={name}
            value={o.key}
            checked={chosen.has(o.key)}
            disabled={disabled}
            onChange={() => {
              if (!multiple) return onAnswer(o.key);
              const next = new Set(chosen);
              if (next.has(o.key)) next.delete(o.key);
              else next.add(o.key);
              // Keys in paper order, so the same choice is always the same value.
              onAnswer(item.options.map((x) => x.key).filter((k) => next.has(k)));
            }}
          />
          <span class="option-key">{o.key}.</span>
          <span>{o.text}</span>
        </label>
      ))}
    </div>
  );
}

/** One item: its number, kind and points, the stem, and the answer controls. */
export function ItemView(props: ItemViewProps) {
  const { t } = useI18n();
  const { item, n } = props;
  const stemId = `stem-${item.id}`;
  const answered = props.value !== undefined && props.value !== null;
  return (
    <article class="item" data-item-id={item.id} aria-labelledby={`item-title-${item.id}`}>
      <h2 id={`item-title-${item.id}`} class="item-title">
        {t('exam.question', { n })} <span class="item-kind">{t(`exam.kind.${item.kind}`)}</span>{' '}
        <span class="item-points">
          {item.points === 1 ? t('exam.onePoint') : t('exam.points', { points: item.points })}
        </span>
        {props.flagged && (
          <>
            <span class="flag-mark" aria-hidden="true">
              ⚑
            </span>
            <span class="visually-hidden">{t('exam.state.flagged')}</span>
          </>
        )}
      </h2>
      <div id={stemId}>
        <HighlightText hlKey={`stem:${item.id}`} text={item.stem} spans={props.spans} class="stem" />
      </div>
      {item.kind === 'text' ? (
        <TextAnswer
          key={item.id}
          itemId={item.id}
          n={n}
          maxChars={item.maxChars}
          initial={typeof props.value === 'string' ? props.value : ''}
          disabled={props.disabled}
          onSave={(v) => props.onAnswer(v)}
        />
      ) : (
        <fieldset class="choices" aria-describedby={stemId}>
          <legend class="visually-hidden">{t('exam.answerLabel', { n })}</legend>
          <Choices {...props} />
          {(item.kind === 'single' || item.kind === 'truefalse') && answered && (
            <button type="button" class="link" disabled={props.disabled} onClick={() => props.onAnswer(null)}>
              {t('exam.clearAnswer')}
            </button>
          )}
        </fieldset>
      )}
    </article>
  );
}
