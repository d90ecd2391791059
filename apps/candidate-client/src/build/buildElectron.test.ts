import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildElectron } from './buildElectron.js';

const dir = mkdtempSync(join(tmpdir(), 'electron-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const requires = (file: string) =>
  [...new Set([...readFileSync(file, 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))].sort();

describe('electron bundles', () => {
  it('bundles a sandboxed preload that requires nothing but electron and exposes one object', async () => {
    const { preload, main } = await buildElectron(dir);
    expect(requires(preload)).toEqual(['electron']);
    const text = readFileSync(preload, 'utf8');
    expect(text.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(text).not.toContain('exposeInMainWorld("ipcRenderer"');
    // Main keeps the native module and electron outside the bundle, everything else inside.
    expect(requires(main)).toContain('better-sqlite3');
    expect(requires(main).filter((m) => m?.startsWith('@exam/'))).toEqual([]);
  });
});
