import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/**
 * Bundles the Electron side: main as ESM (Node built-ins, electron and native modules left
 * external; the workspace packages inlined), and the preload as one CommonJS file, since a
 * sandboxed preload cannot load ES modules or other files. The renderer is `vite build`.
 */
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const external = [/^node:/, 'electron', 'better-sqlite3', 'bufferutil', 'utf-8-validate'];

await build({
  configFile: false,
  logLevel: 'warn',
  build: {
    ssr: here('./src/main/index.ts'),
    outDir: here('./dist/main'),
    emptyOutDir: true,
    target: 'node22',
    rollupOptions: { external, output: { format: 'es', entryFileNames: 'index.js' } },
  },
  ssr: { noExternal: true, target: 'node' },
});

await build({
  configFile: false,
  logLevel: 'warn',
  build: {
    ssr: here('./src/preload/index.ts'),
    outDir: here('./dist/preload'),
    emptyOutDir: true,
    target: 'node22',
    rollupOptions: { external: ['electron'], output: { format: 'cjs', entryFileNames: 'index.cjs' } },
  },
  ssr: { noExternal: true, target: 'node' },
});
