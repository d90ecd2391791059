import { createHash } from 'node:crypto';
import { createReadStream, constants as fs } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The package bytes on disk: an upload's chunks go to `partial/<uploadId>.part`, renamed to
 * `packages/<uploadId>.answers` once verified. Names come from ids the receiver made, never
 * from what a site sent. The store's offset is the truth: a chunk is written at it after
 * cutting anything beyond (a chunk fsync'd but not yet recorded when the receiver stopped).
 */
export class PackageFiles {
  private readonly partialDir: string;
  private readonly packagesDir: string;

  constructor(dataDir: string) {
    this.partialDir = join(dataDir, 'partial');
    this.packagesDir = join(dataDir, 'packages');
  }

  async prepare(): Promise<void> {
    await mkdir(this.partialDir, { recursive: true });
    await mkdir(this.packagesDir, { recursive: true });
  }

  private partial(uploadId: string): string {
    return join(this.partialDir, `${uploadId}.part`);
  }

  /** How many bytes of the upload are on disk (0 if none). */
  async partialSize(uploadId: string): Promise<number> {
    try {
      return (await stat(this.partial(uploadId))).size;
    } catch {
      return 0;
    }
  }

  /** Writes `chunk` at `offset` and fsyncs it before returning: the reply promises it is kept. */
  async writeChunk(uploadId: string, offset: number, chunk: Buffer): Promise<number> {
    const file = await open(this.partial(uploadId), fs.O_RDWR | fs.O_CREAT, 0o600);
    try {
      await file.truncate(offset);
      let written = 0;
      while (written < chunk.length) {
        const { bytesWritten } = await file.write(chunk, written, chunk.length - written, offset + written);
        written += bytesWritten;
      }
      await file.datasync();
      return offset + written;
    } finally {
      await file.close();
    }
  }

  async sha256(uploadId: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const part of createReadStream(this.partial(uploadId))) hash.update(part as Buffer);
    return hash.digest('hex');
  }

  readPartial(uploadId: string): Promise<Buffer> {
    return readFile(this.partial(uploadId));
  }

  /** Moves a verified upload to the packages folder (durably) and returns its file name. */
  async keep(uploadId: string): Promise<string> {
    const name = `${uploadId}.answers`;
    await rename(this.partial(uploadId), join(this.packagesDir, name));
    await syncDirectory(this.packagesDir);
    return name;
  }

  async discardPartial(uploadId: string): Promise<void> {
    await rm(this.partial(uploadId), { force: true });
  }

  async discardKept(file: string): Promise<void> {
    await rm(join(this.packagesDir, file), { force: true });
  }

  readKept(file: string): Promise<Buffer> {
    return readFile(join(this.packagesDir, file));
  }
}

/** A rename is durable only once its directory is fsync'd. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
