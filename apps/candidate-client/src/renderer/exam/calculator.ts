/**
 * The calculator's logic, as the standard desktop calculator behaves: immediate execution
 * (1 + 2 × 3 = 9, not 7), CE clears the entry and C everything but memory, % takes a
 * percentage of the first operand for + and −, memory keys MC MR MS M+ M−. Pure, so it is
 * tested without a browser.
 */
export type Operator = '+' | '-' | '*' | '/';
export type CalcKey =
  | '0'
  | '1'
  | '2'
  | '3'
  | '4'
  | '5'
  | '6'
  | '7'
  | '8'
  | '9'
  | '.'
  | Operator
  | '='
  | 'C'
  | 'CE'
  | 'back'
  | 'negate'
  | 'percent'
  | 'sqrt'
  | 'MC'
  | 'MR'
  | 'MS'
  | 'M+'
  | 'M-';

export interface CalcState {
  display: string;
  acc: number | null;
  op: Operator | null;
  /** The next digit starts a new entry (after an operator, =, or a function key). */
  fresh: boolean;
  memory: number | null;
  error: 'divide-by-zero' | 'invalid' | null;
}

export const INITIAL: CalcState = Object.freeze({
  display: '0',
  acc: null,
  op: null,
  fresh: true,
  memory: null,
  error: null,
});

const MAX_DIGITS = 16;

/** Twelve significant digits hide binary noise (0.1 + 0.2 shows 0.3). */
export function formatNumber(x: number): string {
  if (Object.is(x, -0)) return '0';
  return String(Number.parseFloat(x.toPrecision(12)));
}

function apply(a: number, op: Operator, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
  }
}

function withResult(s: CalcState, x: number, extra: Partial<CalcState> = {}): CalcState {
  if (!Number.isFinite(x)) return { ...s, ...extra, display: '0', error: 'invalid', fresh: true };
  return { ...s, ...extra, display: formatNumber(x), fresh: true, error: null };
}

export function press(s: CalcState, key: CalcKey): CalcState {
  if (s.error && key !== 'C' && key !== 'CE' && !/^[0-9.]$/.test(key)) return s;
  if (s.error) s = { ...INITIAL, memory: s.memory };
  const x = Number(s.display);
  switch (key) {
    case '.':
      if (s.fresh) return { ...s, display: '0.', fresh: false };
      return s.display.includes('.') ? s : { ...s, display: `${s.display}.` };
    case '+':
    case '-':
    case '*':
    case '/': {
      if (s.op && s.acc !== null && !s.fresh) {
        if (s.op === '/' && x === 0) return { ...s, error: 'divide-by-zero', display: '0', fresh: true };
        const r = apply(s.acc, s.op, x);
        return withResult(s, r, { acc: Number(formatNumber(r)), op: key });
      }
      return { ...s, acc: s.op && s.fresh && s.acc !== null ? s.acc : x, op: key, fresh: true };
    }
    case '=': {
      if (!s.op || s.acc === null) return { ...s, fresh: true };
      if (s.op === '/' && x === 0) return { ...s, error: 'divide-by-zero', display: '0', fresh: true };
      return withResult(s, apply(s.acc, s.op, x), { acc: null, op: null });
    }
    case 'C':
      return { ...INITIAL, memory: s.memory };
    case 'CE':
      return { ...s, display: '0', fresh: true };
    case 'back': {
      if (s.fresh) return s;
      const d = s.display.slice(0, -1);
      return { ...s, display: d === '' || d === '-' ? '0' : d };
    }
    case 'negate':
      if (x === 0) return s;
      return { ...s, display: s.display.startsWith('-') ? s.display.slice(1) : `-${s.display}` };
    case 'percent': {
      const base = s.op === '+' || s.op === '-' ? (s.acc ?? 0) : 1;
      return withResult(s, (base * x) / 100);
    }
    case 'sqrt':
      if (x < 0) return { ...s, error: 'invalid', display: '0', fresh: true };
      return withResult(s, Math.sqrt(x));
    case 'MC':
      return { ...s, memory: null, fresh: true };
    case 'MR':
      return s.memory === null ? s : withResult(s, s.memory);
    case 'MS':
      return { ...s, memory: x, fresh: true };
    case 'M+':
      return { ...s, memory: Number(formatNumber((s.memory ?? 0) + x)), fresh: true };
    case 'M-':
      return { ...s, memory: Number(formatNumber((s.memory ?? 0) - x)), fresh: true };
    default: {
      // A digit.
      if (s.fresh) return { ...s, display: key, fresh: false };
      if (s.display.replace(/[-.]/g, '').length >= MAX_DIGITS) return s;
      return { ...s, display: s.display === '0' ? key : s.display === '-0' ? `-${key}` : s.display + key };
    }
  }
}

/** The calculator key a keyboard key stands for, as on the desktop calculator. */
export function keyFor(e: { key: string }): CalcKey | null {
  const k = e.key;
  if (/^[0-9]$/.test(k)) return k as CalcKey;
  switch (k) {
    case '.':
    case ',':
      return '.';
    case '+':
    case '-':
    case '*':
    case '/':
      return k;
    case 'Enter':
    case '=':
      return '=';
    case 'Escape':
      return 'C';
    case 'Delete':
      return 'CE';
    case 'Backspace':
      return 'back';
    case '%':
      return 'percent';
    case '@':
      return 'sqrt';
    case 'F9':
      return 'negate';
    default:
      return null;
  }
}
