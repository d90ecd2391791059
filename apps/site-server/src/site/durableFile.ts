import { chmodSync, closeSync, fsyncSync, openSync, renameSync, writeFileSync } from 'node:fs';

/**
 * Writes a file so that a crash leaves either the old file or the whole new one. `mode`
 * (e.g. 0o600 for a secret) is set before any byte is written.
 */
export function writeFileDurably(path: string, bytes: Buffer, mode?: number): void {
  const tmp = `${path}.tmp`;
  if (mode !== undefined) {
    writeFileSync(tmp, '', { mode });
    chmodSync(tmp, mode);
  }
  writeFileSync(tmp, bytes);
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
