import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n.js';

export function Toolbar(props: {
  flagged: boolean;
  total: number;
  onFlag: () => void;
  onCalculator: () => void;
  onFont: (delta: number) => void;
  onHighlight: () => void;
  onClearHighlight: () => void;
  onJump: (index: number) => void;
}) {
  const { t } = useI18n();
  const [jump, setJump] = useState('');
  return (
    <div class="toolbar" role="toolbar" aria-label={t('exam.toolbar')}>
      <button
        type="button"
        class={props.flagged ? 'on' : ''}
        aria-pressed={props.flagged}
        onClick={props.onFlag}
      >
        ⚑ {props.flagged ? t('exam.unflag') : t('exam.flag')}
      </button>
      <button type="button" onClick={props.onCalculator}>
        {t('exam.calculator')}
      </button>
      <button
        type="button"
        aria-label={t('exam.fontSmaller')}
        title={t('exam.fontSmaller')}
        onClick={() => props.onFont(-1)}
      >
        A−
      </button>
      <button
        type="button"
        aria-label={t('exam.fontLarger')}
        title={t('exam.fontLarger')}
        onClick={() => props.onFont(1)}
      >
        A+
      </button>
      {/* Keeping the mouse-down from taking focus keeps the text selection it acts on. */}
      <button type="button" onMouseDown={(e) => e.preventDefault()} onClick={props.onHighlight}>
        {t('exam.highlight')}
      </button>
      <button type="button" onClick={props.onClearHighlight}>
        {t('exam.clearHighlight')}
      </button>
      <form
        class="jump"
        onSubmit={(e) => {
          e.preventDefault();
          const n = Number(jump);
          if (Number.isInteger(n) && n >= 1 && n <= props.total) props.onJump(n - 1);
          setJump('');
        }}
      >
        <label for="jump-to">{t('exam.jump')}</label>
        <input
          id="jump-to"
          inputMode="numeric"
          size={4}
          value={jump}
          onInput={(e) => setJump(e.currentTarget.value.replace(/\D/g, ''))}
        />
        <button type="submit">{t('exam.go')}</button>
      </form>
    </div>
  );
}
