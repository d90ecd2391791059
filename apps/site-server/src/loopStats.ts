import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Logger } from 'pino';

/** Milliseconds, from the histogram's nanoseconds, to 0.1 ms. */
const ms = (ns: number) => Math.round(ns / 1e5) / 10;

/**
 * Logs how late the event loop ran every `everyMs` (p50, p99 and max of a 1 ms probe
 * timer) and how busy it was, with whatever `more` adds (the answer pipeline). A save
 * waits behind whatever holds the loop, so this is the server's own share of a slow
 * acknowledgement, apart from the network and the client.
 * Returns a function that stops it.
 */
export function startLoopStats(
  log: Logger,
  everyMs: number,
  more: () => Record<string, unknown> = () => ({}),
): () => void {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  let elu = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, elu).utilization;
    elu = now;
    log.info(
      {
        loopDelayMs: { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) },
        loopBusy: Math.round(busy * 1000) / 1000,
        ...more(),
      },
      'event loop',
    );
    h.reset();
  }, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    h.disable();
  };
}
