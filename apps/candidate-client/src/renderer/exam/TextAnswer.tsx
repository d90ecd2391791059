import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n.js';
import { TEXT_SAVE_DEBOUNCE_MS } from '../model/timing.js';

/**
 * A long-text answer that is safe with a Chinese IME. While a composition is open the
 * textarea holds pinyin the candidate has not chosen yet, so nothing is saved then; the
 * text as it stands at compositionend is saved, so nothing chosen is lost. Between
 * compositions, saves are debounced.
 */
export function TextAnswer(props: {
  itemId: string;
  n: number;
  maxChars: number;
  initial: string;
  disabled: boolean;
  onSave: (value: string) => void;
}) {
  const { t } = useI18n();
  const area = useRef<HTMLTextAreaElement>(null);
  const composing = useRef(false);
  const committed = useRef(props.initial);
  const saved = useRef(props.initial);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onSave = useRef(props.onSave);
  onSave.current = props.onSave;
  const [count, setCount] = useState(props.initial.length);

  const flush = () => {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
    if (committed.current !== saved.current) {
      saved.current = committed.current;
      onSave.current(committed.current);
    }
  };
  const commit = () => {
    committed.current = area.current?.value ?? committed.current;
    setCount(committed.current.length);
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = setTimeout(flush, TEXT_SAVE_DEBOUNCE_MS);
  };
  // Leaving the item (or the exam) saves what was committed, never an open composition.
  useEffect(() => () => flush(), []);

  const countId = `count-${props.itemId}`;
  return (
    <div class="text-answer">
      <label for={`answer-${props.itemId}`} class="visually-hidden">
        {t('exam.answerLabel', { n: props.n })}
      </label>
      <textarea
        id={`answer-${props.itemId}`}
        ref={area}
        defaultValue={props.initial}
        maxLength={props.maxChars}
        disabled={props.disabled}
        aria-describedby={countId}
        spellcheck={false}
        onCompositionStart={() => {
          composing.current = true;
        }}
        onCompositionEnd={() => {
          composing.current = false;
          commit();
        }}
        onInput={(e) => {
          // Chrome fires the last input of a composition before compositionend.
          if (composing.current || (e as InputEvent).isComposing) return;
          commit();
        }}
        onBlur={() => {
          if (!composing.current) flush();
        }}
      />
      <p id={countId} class="count" aria-live="off" data-testid="char-count">
        {t('exam.charCount', { n: count, max: props.maxChars })}
      </p>
    </div>
  );
}
