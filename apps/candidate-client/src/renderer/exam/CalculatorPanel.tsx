import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/zh-CN.js';
import { type CalcKey, INITIAL, keyFor, press } from './calculator.js';

const ROWS: [CalcKey, string, MessageKey?][][] = [
  [
    ['MC', 'MC', 'calc.key.mc'],
    ['MR', 'MR', 'calc.key.mr'],
    ['MS', 'MS', 'calc.key.ms'],
    ['M+', 'M+', 'calc.key.mplus'],
    ['M-', 'M−', 'calc.key.mminus'],
  ],
  [
    ['back', '←', 'calc.key.backspace'],
    ['CE', 'CE', 'calc.key.ce'],
    ['C', 'C', 'calc.key.c'],
    ['negate', '±', 'calc.key.negate'],
    ['sqrt', '√', 'calc.key.sqrt'],
  ],
  [
    ['7', '7'],
    ['8', '8'],
    ['9', '9'],
    ['/', '÷'],
    ['percent', '%', 'calc.key.percent'],
  ],
  [
    ['4', '4'],
    ['5', '5'],
    ['6', '6'],
    ['*', '×'],
    ['=', '='],
  ],
  [
    ['1', '1'],
    ['2', '2'],
    ['3', '3'],
    ['-', '−'],
  ],
  [
    ['0', '0'],
    ['.', '.'],
    ['+', '+'],
  ],
];

/**
 * The calculator the notice promises, as a panel beside the paper. Typing on it works as
 * on the desktop calculator (digits, + − * /, Enter, Esc, Delete, Backspace).
 */
export function CalculatorPanel({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const [s, setS] = useState(INITIAL);
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => panel.current?.focus(), []);
  const display = s.error === 'divide-by-zero' ? t('calc.error') : s.error ? t('calc.invalid') : s.display;
  return (
    <section
      class="calculator"
      aria-labelledby="calc-title"
      ref={panel}
      tabIndex={-1}
      data-testid="calculator"
      onKeyDown={(e) => {
        if (e.target instanceof HTMLButtonElement && (e.key === 'Enter' || e.key === ' ')) return;
        const k = keyFor(e);
        if (!k) return;
        e.preventDefault();
        setS((prev) => press(prev, k));
      }}
    >
      <header class="calc-head">
        <h2 id="calc-title">{t('calc.title')}</h2>
        <button type="button" class="close" aria-label={t('calc.close')} onClick={onClose}>
          ×
        </button>
      </header>
      <output
        class="calc-display"
        aria-label={t('calc.display')}
        aria-live="polite"
        data-testid="calc-display"
      >
        {s.memory !== null && (
          <span class="calc-memory" title={t('calc.memory')}>
            M
          </span>
        )}
        {display}
      </output>
      <div class="calc-keys">
        {ROWS.flat().map(([key, label, name]) => (
          <button
            key={key}
            type="button"
            class={`calc-key calc-${key === '=' ? 'equals' : key === '0' ? 'zero' : 'k'}`}
            aria-label={name ? t(name) : undefined}
            onClick={() => setS((prev) => press(prev, key))}
          >
            {label}
          </button>
        ))}
      </div>
    </section>
  );
}
