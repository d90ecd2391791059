import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildOnce } from './buildOnce.js';

const root = mkdtempSync(join(tmpdir(), 'build-once-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'src'));
writeFileSync(join(root, 'src', 'app.ts'), 'export const a = 1;\n');
writeFileSync(join(root, 'src', 'app.test.ts'), 'test\n');

let builds = 0;
const target = {
  root,
  inputs: ['src', 'config.json'],
  outDir: join(root, 'dist', 'renderer'),
  marker: 'index.html',
  build: async (outDir: string) => {
    builds++;
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'index.html'), readFileSync(join(root, 'src', 'app.ts')));
  },
};

describe('a bundle built once', () => {
  it('is built when missing, then reused while its sources stay the same', async () => {
    expect(await buildOnce(target)).toBe('built');
    expect(await buildOnce(target)).toBe('up to date');
    // A test file is not part of the bundle.
    writeFileSync(join(root, 'src', 'app.test.ts'), 'changed\n');
    expect(await buildOnce(target)).toBe('up to date');
    expect(builds).toBe(1);
  });

  it('is rebuilt when a source changes, a source is added, or the output was removed', async () => {
    writeFileSync(join(root, 'src', 'app.ts'), 'export const a = 2;\n');
    expect(await buildOnce(target)).toBe('built');
    expect(readFileSync(join(target.outDir, 'index.html'), 'utf8')).toContain('a = 2');
    writeFileSync(join(root, 'config.json'), '{}');
    expect(await buildOnce(target)).toBe('built');
    rmSync(target.outDir, { recursive: true });
    expect(await buildOnce(target)).toBe('built');
    expect(await buildOnce(target)).toBe('up to date');
  });

  it('keeps the previous bundle when a build fails', async () => {
    writeFileSync(join(root, 'src', 'app.ts'), 'export const a = 3;\n');
    await expect(buildOnce({ ...target, build: async () => undefined })).rejects.toThrow('no index.html');
    expect(readFileSync(join(target.outDir, 'index.html'), 'utf8')).toContain('a = 2');
    expect(existsSync(`${target.outDir}.building-${process.pid}`)).toBe(false);
    expect(await buildOnce(target)).toBe('built');
  });
});
