import { closeSync, existsSync, fsyncSync, linkSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Whether a file of this name is in any of the folders (reachable or not). */
export function existsInAny(dirs: readonly string[], fileName: string): boolean {
  return dirs.some((dir) => {
    try {
      return existsSync(join(dir, fileName));
    } catch {
      return false;
    }
  });
}

/**
 * Writes `bytes` as `dir/fileName` so that the name never holds a partial file and never
 * replaces one: written under a temporary name, fsync'd, then hard-linked to the final name
 * (link fails if the name exists, where rename would overwrite), the folder fsync'd. A crash
 * leaves at most a temporary file beside the answer files. Throws on any failure.
 */
export function writeNewFileDurably(dir: string, fileName: string, bytes: Buffer): string {
  const final = join(dir, fileName);
  const tmp = join(dir, `.${fileName}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, final);
  } finally {
    unlinkSync(tmp);
  }
  syncDir(dir);
  return final;
}

function syncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems (FAT on a USB stick, Windows) cannot fsync a folder; the file itself was.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
