import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `pnpm lint` (biome) fails on an app importing another app, on a renderer importing
 * Node-only code and on an import circle. The fences are per folder, so the sample files go
 * into the folders they break (under a name nobody else uses) and are removed afterwards.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIOME = join(ROOT, 'node_modules', '.bin', 'biome');
const probe = `lint-fence-probe-${randomBytes(4).toString('hex')}`;
const dirs = [
  join(ROOT, 'apps/candidate-client/src', probe),
  join(ROOT, 'apps/proctor-console/src/renderer', probe),
  join(ROOT, 'packages/domain/src', probe),
  join(ROOT, 'apps/site-server/src', probe),
  join(ROOT, 'apps/site-admin/src', probe),
  join(ROOT, 'apps/site-admin/src/page', probe),
];
const [appDir, rendererDir, cycleDir, siteDir, adminDir, adminPageDir] = dirs as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const files = {
  /** The candidate client reaching for the site server (as its tests once did). */
  appImportsApp: join(appDir, 'importsAnotherApp.ts'),
  /** The console's renderer reading the disk. */
  rendererImportsNode: join(rendererDir, 'readsTheDisk.ts'),
  /** Two modules importing each other, one of them only for a type. */
  cycleA: join(cycleDir, 'first.ts'),
  cycleB: join(cycleDir, 'second.ts'),
  /** The site server reaching into the centre's receiver (its upload tests belong under scripts/). */
  siteImportsReceiver: join(siteDir, 'importsTheReceiver.ts'),
  /** The admin page's app reaching into the site server it is served by (it talks JSON to it). */
  adminImportsSite: join(adminDir, 'importsTheSiteServer.ts'),
  /** The admin page reading the disk. */
  adminPageImportsNode: join(adminPageDir, 'readsTheDisk.ts'),
};

interface Diagnostic {
  file: string;
  rule: string;
}

let output = '';
let exitCode: number | null = null;
let diagnostics: Diagnostic[] = [];

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function biomeLint(paths: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIOME, ['lint', '--max-diagnostics=50', '--colors=off', ...paths], { cwd: ROOT });
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
    });
    child.stderr.on('data', (d) => {
      text += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: text }));
  });
}

beforeAll(async () => {
  try {
    write(
      files.appImportsApp,
      "import { createSiteServer } from '@exam/site-server';\n\nexport const s = createSiteServer;\n",
    );
    write(
      files.siteImportsReceiver,
      "import { startReceiver } from '@exam/centre-server';\n\nexport const r = startReceiver;\n",
    );
    write(
      files.adminImportsSite,
      "import { createSiteServer } from '@exam/site-server';\n\nexport const s = createSiteServer;\n",
    );
    write(
      files.adminPageImportsNode,
      "import { readFileSync } from 'node:fs';\n\nexport const r = readFileSync;\n",
    );
    write(
      files.rendererImportsNode,
      "import { readFileSync } from 'node:fs';\n\nexport const r = readFileSync;\n",
    );
    write(
      files.cycleA,
      "import { second } from './second.js';\n\nexport const first = (): number => second() + 1;\n",
    );
    write(
      files.cycleB,
      "import type { first } from './first.js';\n\nexport const second = (): ReturnType<typeof first> => 1;\n",
    );
    const run = await biomeLint(Object.values(files).map((f) => f.slice(ROOT.length)));
    exitCode = run.code;
    output = run.output;
    // Each diagnostic starts with `path:line:col lint/group/rule`.
    diagnostics = [...output.matchAll(/^(\S+):\d+:\d+ (lint\/\S+)/gm)].map((m) => ({
      file: join(ROOT, m[1]!),
      rule: m[2]!,
    }));
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const rulesOf = (file: string) => diagnostics.filter((d) => d.file === file).map((d) => d.rule);

describe('pnpm lint fences the code', () => {
  it('fails the lint on the sample files', () => {
    expect(exitCode, output).not.toBe(0);
  });

  it('refuses an app importing another app', () => {
    expect(rulesOf(files.appImportsApp), output).toContain('lint/style/noRestrictedImports');
    expect(output).toContain('never another app');
    expect(rulesOf(files.siteImportsReceiver), output).toContain('lint/style/noRestrictedImports');
    expect(rulesOf(files.adminImportsSite), output).toContain('lint/style/noRestrictedImports');
  });

  it('refuses a renderer importing Node-only code', () => {
    expect(rulesOf(files.rendererImportsNode), output).toContain('lint/style/noRestrictedImports');
    expect(output).toContain('the renderer runs in the browser');
    expect(rulesOf(files.adminPageImportsNode), output).toContain('lint/style/noRestrictedImports');
    expect(output).toContain('the admin page runs in the browser');
  });

  it('refuses an import circle, even one closed by a type-only import', () => {
    expect(rulesOf(files.cycleA), output).toContain('lint/nursery/noImportCycles');
    expect(rulesOf(files.cycleB), output).toContain('lint/nursery/noImportCycles');
  });
});
