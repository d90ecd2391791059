import { fileURLToPath } from 'node:url';
import { cspMetaPlugin } from '@exam/shell/csp';
import { defineConfig } from 'vite';

/**
 * The renderer bundle: Preact through esbuild's automatic JSX (no React plugin), relative
 * asset paths so Electron (app://console/) and the web host load the same build, no inline
 * scripts (the CSP forbids them). Load it with `configLoader: 'runner'`: it imports
 * @exam/shell's TypeScript, which the default (bundling) loader would hand to Node as is.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./src/renderer', import.meta.url)),
  base: './',
  logLevel: 'warn',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  // The CSP meta tag comes from the one policy builder both apps share.
  plugins: [cspMetaPlugin()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
