import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONFIG = fileURLToPath(new URL('../../vite.config.ts', import.meta.url));
let built: Promise<string> | null = null;

/** Builds the renderer once per process into a temp dir (about a second with esbuild). */
export function buildRenderer(): Promise<string> {
  built ??= (async () => {
    const { build } = await import('vite');
    const outDir = join(mkdtempSync(join(tmpdir(), 'proctor-renderer-')), 'renderer');
    // The runner loader: the config imports a workspace package's TypeScript (@exam/shell).
    await build({
      configFile: CONFIG,
      configLoader: 'runner',
      logLevel: 'error',
      build: { outDir, emptyOutDir: true },
    });
    if (!existsSync(join(outDir, 'index.html'))) throw new Error('renderer build produced no index.html');
    return outDir;
  })();
  return built;
}
