import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRenderer } from '../../build/buildRenderer.js';

let built: Promise<string> | null = null;

/** The renderer as shipped, built once per test process into a temporary directory. */
export function builtRenderer(): Promise<string> {
  built ??= buildRenderer(join(mkdtempSync(join(tmpdir(), 'candidate-renderer-')), 'dist'));
  return built;
}
