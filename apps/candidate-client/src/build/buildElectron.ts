import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const SRC = fileURLToPath(new URL('../', import.meta.url));
export const DEFAULT_ELECTRON_OUT = fileURLToPath(new URL('../../dist/electron/', import.meta.url));

/**
 * Bundles Electron main and preload to CommonJS. Main keeps `electron` and the native
 * better-sqlite3 outside the bundle (it must be rebuilt for Electron's Node ABI when
 * packaging); the sandboxed preload may require nothing but `electron`.
 */
export async function buildElectron(
  outDir: string = DEFAULT_ELECTRON_OUT,
): Promise<{ main: string; preload: string }> {
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    logLevel: 'warning',
  } as const;
  const main = `${outDir}/main.cjs`;
  const preload = `${outDir}/preload.cjs`;
  await build({
    ...common,
    entryPoints: [`${SRC}main/main.ts`],
    outfile: main,
    external: ['electron', 'better-sqlite3', 'bufferutil', 'utf-8-validate'],
  });
  await build({
    ...common,
    entryPoints: [`${SRC}preload/preload.ts`],
    outfile: preload,
    external: ['electron'],
  });
  return { main, preload };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await buildElectron(process.argv[2]);
  process.stdout.write(`electron main and preload built: ${out.main}, ${out.preload}\n`);
}
