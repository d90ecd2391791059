import { closeSync, fsyncSync, openSync, renameSync, writeFileSync } from 'node:fs';

/** Writes a file so that a crash leaves either the old file or the whole new one. */
export function writeFileDurably(path: string, bytes: Buffer): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, bytes);
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
