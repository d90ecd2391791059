import { describe, expect, it } from 'vitest';
import { breakdown, busyBySecond, type CpuProfile, SITE_MAIN_THREAD } from './profileBreakdown.js';

const frame = (functionName: string, url = '') => ({ functionName, url });

/**
 * A small profile of the shapes the site server's main thread shows: a push whose packet
 * write sits under `sendCommitted`, an acknowledgement's packet write, a socket read, GC,
 * idle, and a function named `toString` that no rule knows.
 */
function profile(): CpuProfile {
  const nodes = [
    { id: 1, callFrame: frame('(root)'), children: [2, 3, 4, 7, 9, 10] },
    { id: 2, callFrame: frame('(idle)') },
    { id: 3, callFrame: frame('(garbage collector)') },
    {
      id: 4,
      callFrame: frame('commit', 'file:///repo/apps/site-server/src/answers/groupCommit.ts'),
      children: [5],
    },
    {
      id: 5,
      callFrame: frame('sendCommitted', 'file:///repo/src/sockets/roomBroadcaster.ts'),
      children: [6],
    },
    { id: 6, callFrame: frame('sendPacket', 'file:///repo/node_modules/engine.io/build/socket.js') },
    {
      id: 7,
      callFrame: frame('processTicksAndRejections', 'node:internal/process/task_queues'),
      children: [8],
    },
    { id: 8, callFrame: frame('sendPacket', 'file:///repo/node_modules/engine.io/build/socket.js') },
    { id: 9, callFrame: frame('onStreamRead', 'node:internal/stream_base_commons') },
    { id: 10, callFrame: frame('toString') },
  ];
  // Second 0: idle, then 249 ms of GC. Second 1: nine samples of 1 ms each.
  const samples = [2, 2, 2, 3, ...Array(4).fill(6), ...Array(3).fill(8), 9, 10];
  const timeDeltas = [250_000, 250_000, 250_000, 249_000, ...Array(9).fill(1000)];
  return { nodes, startTime: 0, samples, timeDeltas };
}

describe('CPU profile breakdown', () => {
  it('names a push by its caller, not by the packet write it shares with acknowledgements', () => {
    const shares = breakdown(profile(), SITE_MAIN_THREAD, 1, 2);
    const ms = Object.fromEntries(shares.map((s) => [s.category, s.ms]));
    expect(ms).toMatchObject({
      'replica push to the consoles': 4,
      'acknowledgement written': 3,
      'socket read and decode': 1,
    });
    expect(shares[0]!.category).toBe('replica push to the consoles');
    expect(shares.reduce((a, s) => a + s.share, 0)).toBeCloseTo(1);
  });

  it('keeps an unknown cost under its own name, and counts only the window asked for', () => {
    const inSecondOne = breakdown(profile(), SITE_MAIN_THREAD, 1, 2).map((s) => s.category);
    expect(inSecondOne).toContain('other: toString@');
    expect(inSecondOne).not.toContain('idle');
    const inSecondZero = breakdown(profile(), SITE_MAIN_THREAD, 0, 1);
    expect(inSecondZero.map((s) => s.category).sort()).toEqual(['garbage collector', 'idle']);
  });

  it('reports the busy share of each second, to find a load step', () => {
    const busy = busyBySecond(profile());
    expect(busy[0]).toBeCloseTo(0.25);
    expect(busy[1]).toBeCloseTo(0.009);
  });
});
