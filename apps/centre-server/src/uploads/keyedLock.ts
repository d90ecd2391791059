/**
 * One operation at a time per key (an upload): two chunks or a chunk and the completion of the
 * same upload never interleave on its file and offset. Within one receiver process; several
 * receivers on one PostgreSQL would each serve their own sites' uploads.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const result = before.then(work, work);
    const tail = result.catch(() => {});
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
