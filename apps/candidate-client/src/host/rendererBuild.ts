import { fileURLToPath } from 'node:url';
import { buildOnce } from '@exam/cli';
import { buildRenderer, DEFAULT_RENDERER_OUT } from '../build/buildRenderer.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Everything the renderer bundle is made of: its own code, the shared bridge types, the
 * packages it imports, the build settings and the locked dependency versions.
 */
const SOURCES = [
  'apps/candidate-client/src/renderer',
  'apps/candidate-client/src/shared',
  'apps/candidate-client/src/build/buildRenderer.ts',
  'apps/candidate-client/package.json',
  'packages/domain/src',
  'packages/protocol/src',
  'packages/shell/src',
  'pnpm-lock.yaml',
];

/**
 * Builds the renderer for web mode only when it is missing or its sources changed: a site
 * run by hand starts a client per seat, and each would otherwise rebuild (and, with the
 * old build emptied first, break the pages of the machines already running).
 */
export function ensureRenderer(): Promise<'built' | 'up to date'> {
  return buildOnce({
    root: REPO,
    inputs: SOURCES,
    outDir: DEFAULT_RENDERER_OUT.replace(/\/$/, ''),
    marker: 'index.html',
    build: (outDir) => buildRenderer(outDir),
  });
}
