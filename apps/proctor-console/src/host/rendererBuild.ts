import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOnce } from '@exam/cli';

const APP = fileURLToPath(new URL('../../', import.meta.url));
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

/** Where web mode serves the renderer from, and Electron loads it. */
export const RENDERER_DIR = join(APP, 'dist', 'renderer');

/**
 * Everything the renderer bundle is made of: its own code, the shared bridge types, the
 * packages it imports, the build config and the locked dependency versions.
 */
const SOURCES = [
  'apps/proctor-console/src/renderer',
  'apps/proctor-console/src/shared',
  'apps/proctor-console/vite.config.ts',
  'apps/proctor-console/package.json',
  'packages/domain/src',
  'packages/protocol/src',
  'packages/shell/src',
  'pnpm-lock.yaml',
];

/**
 * Builds the renderer for web mode only when it is missing or its sources changed, so a
 * console's second start does not wait for Vite.
 */
export function ensureRenderer(): Promise<'built' | 'up to date'> {
  return buildOnce({
    root: REPO,
    inputs: SOURCES,
    outDir: RENDERER_DIR,
    marker: 'index.html',
    build: async (outDir) => {
      const { build } = await import('vite');
      await build({
        configFile: join(APP, 'vite.config.ts'),
        // The config imports a workspace package's TypeScript (@exam/shell's CSP).
        configLoader: 'runner',
        logLevel: 'warn',
        build: { outDir, emptyOutDir: true },
      });
    },
  });
}
