import { fileURLToPath } from 'node:url';
import { cspMetaPlugin } from '@exam/shell/csp';
import { defineConfig } from 'vite';

/**
 * The site admin page: Preact through esbuild's automatic JSX, relative asset paths (the
 * site server serves it under /admin/), no inline scripts (the CSP forbids them), the CSP
 * meta tag from the one policy builder the renderers share. Load with `configLoader: 'runner'`
 * (it imports @exam/shell's TypeScript). The site server builds it (`ensureAdminPage`).
 */
export default defineConfig({
  root: fileURLToPath(new URL('./src/page', import.meta.url)),
  base: './',
  logLevel: 'warn',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  plugins: [cspMetaPlugin()],
  build: {
    outDir: fileURLToPath(new URL('./dist/page', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
