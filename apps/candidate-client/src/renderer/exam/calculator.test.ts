import { describe, expect, it } from 'vitest';
import { type CalcKey, type CalcState, INITIAL, keyFor, press } from './calculator.js';

function run(keys: string, start: CalcState = INITIAL): CalcState {
  return keys.split(' ').reduce((s, k) => press(s, k as CalcKey), start);
}

describe('calculator', () => {
  it('executes immediately, left to right, like the desktop calculator', () => {
    expect(run('1 + 2 * 3 =').display).toBe('9');
  });

  it('hides binary rounding noise', () => {
    expect(run('0 . 1 + 0 . 2 =').display).toBe('0.3');
  });

  it('refuses division by zero with an error that C clears', () => {
    const s = run('8 / 0 =');
    expect(s.error).toBe('divide-by-zero');
    expect(press(s, '+')).toBe(s);
    expect(run('C 4', s).display).toBe('4');
  });

  it('takes a percentage of the first operand for addition', () => {
    expect(run('2 0 0 + 1 0 percent =').display).toBe('220');
    expect(run('5 0 * 1 0 percent =').display).toBe('5');
  });

  it('keeps memory across C and adds to it with M+', () => {
    const s = run('1 2 MS C 3 M+ C MR');
    expect(s.memory).toBe(15);
    expect(s.display).toBe('15');
    expect(run('MC', s).memory).toBeNull();
  });

  it('edits the entry with backspace, CE and negate', () => {
    expect(run('1 2 3 back').display).toBe('12');
    expect(run('1 2 + 3 CE 4 =').display).toBe('16');
    expect(run('7 negate').display).toBe('-7');
    expect(run('9 sqrt').display).toBe('3');
    expect(run('9 negate sqrt').error).toBe('invalid');
  });

  it('replaces the operator when two are pressed in a row', () => {
    expect(run('6 + * 2 =').display).toBe('12');
  });

  it('maps the keyboard as the desktop calculator does', () => {
    expect(['7', '*', 'Enter', 'Escape', 'Delete', 'Backspace', 'x'].map((key) => keyFor({ key }))).toEqual([
      '7',
      '*',
      '=',
      'C',
      'CE',
      'back',
      null,
    ]);
  });
});
