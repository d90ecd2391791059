import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { QueuedAnswerFile } from '../shared/api.js';

/** Why a send did not finish: the server could not be reached, or it gave its answer. */
export type SendVerdict = { kind: 'sent' } | { kind: 'unreachable' } | { kind: 'refused' };

/**
 * Standalone answer files (issue 17) waiting for the site server (待回收). A collection made
 * while the server is down must not depend on the USB stick staying in the console, so the
 * bytes are copied into the console's data folder at once and sent when the connection is
 * back. A file is named by its content's hash: queuing the same file twice keeps it once.
 * Written with flush and renamed into place, so a crash leaves a whole file or none.
 */
export class CollectQueue {
  private readonly dir: string;
  private readonly refusedDir: string;
  /** One drain at a time: a file is never sent twice at once. */
  private draining: Promise<void> | null = null;
  /** A file added while a drain runs is sent by that same drain's next round. */
  private again = false;
  /** Names carry the time queued, strictly increasing here, so the order never depends on the file system. */
  private lastAt = 0;

  /**
   * `folders`: where the files wait and where refused ones are put aside. The registrations of
   * packages built offline (decision 0017, amendment) wait in their own pair, by the same rules.
   */
  constructor(
    dataDir: string,
    folders: { waiting: string; refused: string } = {
      waiting: 'standalone-queue',
      refused: 'standalone-refused',
    },
  ) {
    this.dir = join(dataDir, folders.waiting);
    this.refusedDir = join(dataDir, folders.refused);
  }

  /** Keeps the file; returns its entry (the existing one when the same bytes are queued already). */
  async add(bytes: Buffer, fileName: string): Promise<QueuedAnswerFile> {
    await mkdir(this.dir, { recursive: true });
    const id = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    const held = await this.list();
    const existing = held.find((q) => q.id === id);
    if (existing) return existing;
    // After the files already there, even from an earlier run of the console.
    const queuedAt = Math.max(Date.now(), this.lastAt + 1, ...held.map((q) => q.queuedAt + 1));
    this.lastAt = queuedAt;
    const entry = { id, fileName: safeName(fileName), queuedAt };
    const partial = join(this.dir, `.${id}.partial`);
    await writeFile(partial, bytes, { flush: true });
    await rename(partial, join(this.dir, nameOf(entry)));
    return entry;
  }

  /** The waiting files, oldest first. */
  async list(): Promise<QueuedAnswerFile[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as { code?: unknown }).code === 'ENOENT') return [];
      throw e;
    }
    const files: QueuedAnswerFile[] = [];
    for (const name of names) {
      const m = /^(\d{15})--([0-9a-f]{16})--(.+)$/.exec(name);
      if (!m?.[1] || !m[2] || !m[3]) continue;
      files.push({ id: m[2], fileName: m[3], queuedAt: Number(m[1]) });
    }
    return files.sort((a, b) => a.queuedAt - b.queuedAt || a.id.localeCompare(b.id));
  }

  /**
   * Sends every waiting file, oldest first. A file the server took leaves the queue; one it
   * refused is moved aside (kept for the centre, never sent again); when it cannot be
   * reached the rest wait for the next connection. Concurrent calls share one run.
   */
  drain(send: (bytes: Buffer, file: QueuedAnswerFile) => Promise<SendVerdict>): Promise<void> {
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = (async () => {
      let reachable = true;
      do {
        this.again = false;
        reachable = await this.drainOnce(send);
      } while (reachable && this.again);
    })().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  /** False when the server could not be reached (the rest waits for the next connection). */
  private async drainOnce(
    send: (bytes: Buffer, file: QueuedAnswerFile) => Promise<SendVerdict>,
  ): Promise<boolean> {
    for (const file of await this.list()) {
      const path = join(this.dir, nameOf(file));
      const verdict = await send(await readFile(path), file);
      if (verdict.kind === 'unreachable') return false;
      if (verdict.kind === 'sent') {
        await unlink(path);
      } else {
        await mkdir(this.refusedDir, { recursive: true });
        await rename(path, join(this.refusedDir, nameOf(file)));
      }
    }
    return true;
  }
}

/** `<queuedAt, 15 digits>--<content hash>--<name>`: sorted by name is sorted by time. */
function nameOf(f: QueuedAnswerFile): string {
  return `${String(f.queuedAt).padStart(15, '0')}--${f.id}--${f.fileName}`;
}

/** Only the file's own name, in characters any file system takes. */
function safeName(fileName: string): string {
  const name = basename(fileName)
    .replace(/[^\w.-]/g, '_')
    .slice(-120);
  return name.length > 0 ? name : 'answers.exampkg';
}
