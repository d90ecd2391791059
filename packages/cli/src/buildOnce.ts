import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * What a build reads: directories are walked (tests, node_modules and dist left out, since
 * none of them reach a bundle), files are taken as they are.
 */
export function hashSources(root: string, inputs: readonly string[]): string {
  const hash = createHash('sha256');
  const files: string[] = [];
  const walk = (path: string) => {
    if (!existsSync(path)) return;
    if (!statSync(path).isDirectory()) {
      files.push(path);
      return;
    }
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || /\.test\.tsx?$/.test(entry.name))
        continue;
      walk(join(path, entry.name));
    }
  };
  for (const input of inputs) walk(join(root, input));
  for (const file of files.sort()) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export interface BuildOnce {
  /** The repository root the inputs are relative to. */
  root: string;
  /** Files and directories the build reads, relative to `root`. */
  inputs: readonly string[];
  /** The finished output; it counts as built only when this file is in it. */
  outDir: string;
  marker: string;
  /** Builds into the directory it is given (a fresh one beside `outDir`). */
  build: (outDir: string) => Promise<unknown>;
}

/**
 * Builds `outDir` only when it is missing or its sources changed since it was built, so a
 * command that serves a bundle starts at once the second time. The hash of the sources
 * (content, not timestamps: a checkout or a copy can make old sources look new or new
 * ones old) is kept beside the output in `<outDir>.sources`. The build goes to a fresh
 * directory that replaces the old one only when it is complete, so a second process
 * serving the old bundle meanwhile never sees a half-written one.
 */
export async function buildOnce(b: BuildOnce): Promise<'built' | 'up to date'> {
  const stampFile = `${b.outDir}.sources`;
  // Hashed before the build: a source edited while it runs makes the next start build again.
  const sources = hashSources(b.root, b.inputs);
  const stamp = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
  if (stamp === sources && existsSync(join(b.outDir, b.marker))) return 'up to date';
  const fresh = `${b.outDir}.building-${process.pid}`;
  rmSync(fresh, { recursive: true, force: true });
  try {
    await b.build(fresh);
    if (!existsSync(join(fresh, b.marker))) throw new Error(`the build wrote no ${b.marker}`);
    rmSync(b.outDir, { recursive: true, force: true });
    try {
      renameSync(fresh, b.outDir);
    } catch (e) {
      // Another start built the same sources and got there first: its bundle is as good.
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
    }
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
  writeFileSync(stampFile, `${sources}\n`);
  return 'built';
}
