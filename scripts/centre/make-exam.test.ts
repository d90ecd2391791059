import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromPkcs12 } from '@exam/crypto';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `make-exam` has no default PIN (issue 16, point 9): a key file under an empty PIN is an
 * unprotected key. Without all three PINs it refuses, saying which, and writes nothing.
 */
const TSX = createRequire(import.meta.url).resolve('tsx');
const CLI = new URL('./make-exam.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'make-exam-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function makeExam(out: string, pins: Record<string, string>) {
  const env = { ...process.env };
  for (const k of ['EXAM_CENTRE_PIN', 'EXAM_SITE_PIN', 'EXAM_PROCTOR_PIN']) delete env[k];
  return spawnSync(process.execPath, ['--import', TSX, CLI, '--out', out, '--candidates', '2'], {
    env: { ...env, ...pins },
    encoding: 'utf8',
  });
}

describe('make-exam PINs', () => {
  it('refuses without PINs, naming each one missing, and writes no key', () => {
    const out = join(dir, 'none');
    const r = makeExam(out, {});
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('EXAM_CENTRE_PIN, EXAM_SITE_PIN, EXAM_PROCTOR_PIN are not set or empty');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an empty PIN as a missing one', () => {
    const out = join(dir, 'empty');
    const r = makeExam(out, { EXAM_CENTRE_PIN: 'c-pin', EXAM_SITE_PIN: '', EXAM_PROCTOR_PIN: 'p-pin' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('EXAM_SITE_PIN is not set or empty');
    expect(existsSync(out)).toBe(false);
  });

  it('builds the exam with the PINs given, each key file opening only with its own', () => {
    const out = join(dir, 'built');
    const r = makeExam(out, { EXAM_CENTRE_PIN: 'c-pin', EXAM_SITE_PIN: 's-pin', EXAM_PROCTOR_PIN: 'p-pin' });
    expect(r.status, r.stderr).toBe(0);
    const siteKey = readFileSync(join(out, 'site', 'site.p12'));
    expect(() => fromPkcs12(siteKey, 's-pin')).not.toThrow();
    expect(() => fromPkcs12(siteKey, '')).toThrow();
  });
});
