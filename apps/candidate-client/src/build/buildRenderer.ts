import { fileURLToPath } from 'node:url';
import { cspMetaPlugin } from '@exam/shell/csp';
import { build } from 'vite';

export const RENDERER_ROOT = fileURLToPath(new URL('../renderer/', import.meta.url));
export const DEFAULT_RENDERER_OUT = fileURLToPath(new URL('../../dist/renderer/', import.meta.url));

/**
 * Builds the renderer with Vite (esbuild's JSX transform for Preact; no React plugin).
 * Relative asset paths, so the same build loads from Electron's app:// and the web host.
 */
export async function buildRenderer(outDir: string = DEFAULT_RENDERER_OUT): Promise<string> {
  await build({
    configFile: false,
    root: RENDERER_ROOT,
    base: './',
    logLevel: 'warn',
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    // The CSP meta tag comes from the one policy builder both apps share.
    plugins: [cspMetaPlugin()],
    build: {
      outDir,
      emptyOutDir: true,
      target: 'chrome120',
      // The polyfill would be an inline script, which the CSP forbids.
      modulePreload: { polyfill: false },
      assetsInlineLimit: 0,
      reportCompressedSize: false,
    },
  });
  return outDir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await buildRenderer(process.argv[2]);
  process.stdout.write(`renderer built in ${out}\n`);
}
