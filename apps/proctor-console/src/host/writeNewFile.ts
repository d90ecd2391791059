import { writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';

/**
 * Writes `name` into `dir` and never replaces a file already there: `a.exampkg` taken, it
 * writes `a-2.exampkg`, then `a-3.exampkg`… ('wx' makes the check and the write one step, so
 * two writers cannot pick the same name). Flushed before it returns: a stick pulled right
 * after the message holds the whole file.
 */
export async function writeNewFile(dir: string, name: string, bytes: Buffer): Promise<string> {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 1; ; n++) {
    const path = join(dir, n === 1 ? name : `${stem}-${n}${ext}`);
    try {
      await writeFile(path, bytes, { flush: true, flag: 'wx' });
      return path;
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'EEXIST') throw e;
    }
  }
}
