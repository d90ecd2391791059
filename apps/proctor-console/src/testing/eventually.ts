import { expect } from 'vitest';

/**
 * `expect.poll` with room for a loaded CI machine (its default gives up after a second).
 * Not in the testing barrel: it imports vitest, which scripts using the barrel must not load.
 */
export const eventually = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 10_000, interval: 50 });
