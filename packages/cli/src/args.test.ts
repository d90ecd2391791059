import { describe, expect, it } from 'vitest';
import { commandArgs, parseCommandArgs, UsageError } from './args.js';

const MAKE = {
  name: 'make',
  usage: 'make --out DIR [--quiet] FILE...',
  options: { out: { type: 'string' }, quiet: { type: 'boolean', default: false } },
  allowPositionals: true,
} as const;

describe('command-line options', () => {
  it('are the same typed after pnpm’s `--` or without it', () => {
    const plain = parseCommandArgs(MAKE, ['--out', '/tmp/x', 'a.pkg']);
    const separated = parseCommandArgs(MAKE, ['--', '--out', '/tmp/x', 'a.pkg']);
    expect(separated).toEqual(plain);
    expect(plain.values).toEqual({ out: '/tmp/x', quiet: false });
    expect(plain.positionals).toEqual(['a.pkg']);
  });

  it('keep a later `--` as the end of the options', () => {
    expect(commandArgs(['--out', 'x', '--', '--quiet'])).toEqual(['--out', 'x', '--', '--quiet']);
    expect(parseCommandArgs(MAKE, ['--', '--out', 'x', '--', '--quiet']).positionals).toEqual(['--quiet']);
  });

  it('answer --help only once the other options were read', () => {
    expect(parseCommandArgs(MAKE, ['--', '--out', 'x', '--help']).help).toBe(true);
    expect(parseCommandArgs(MAKE, ['-h']).help).toBe(true);
    expect(parseCommandArgs(MAKE, ['--out', 'x']).help).toBe(false);
    expect(() => parseCommandArgs(MAKE, ['--ot', 'x', '--help'])).toThrow(UsageError);
  });

  it('refuse an unknown option or a stray argument with a sentence, not a stack trace', () => {
    expect(() => parseCommandArgs(MAKE, ['--colour'])).toThrow("Unknown option '--colour'");
    expect(() => parseCommandArgs({ ...MAKE, allowPositionals: false }, ['--out', 'x', 'extra'])).toThrow(
      UsageError,
    );
  });
});
