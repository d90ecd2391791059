import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startLoopStats } from './loopStats.js';

describe('event-loop statistics', () => {
  it('reports a stretch of blocking work as a late event loop, and stops when asked', async () => {
    const lines: { loopDelayMs?: { p50: number; p99: number; max: number }; loopBusy?: number }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const stop = startLoopStats(pino(sink), 200);
    await new Promise((r) => setTimeout(r, 50));
    const until = performance.now() + 80;
    while (performance.now() < until) {
      // Holds the loop as a slow synchronous handler would.
    }
    // Wait for the report of the blocked stretch (a state: a busy machine delays timers).
    const reported = () => lines.some((l) => (l.loopDelayMs?.max ?? 0) >= 70);
    const deadline = performance.now() + 10_000;
    while (!reported() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    stop();
    const count = lines.length;
    await new Promise((r) => setTimeout(r, 300));

    expect(count).toBeGreaterThan(0);
    expect(lines.length).toBe(count);
    const worst = Math.max(...lines.map((l) => l.loopDelayMs?.max ?? 0));
    expect(worst).toBeGreaterThanOrEqual(70);
    expect(lines[0]?.loopBusy).toBeGreaterThan(0);
  });
});
