import { describe, expect, it } from 'vitest';
import type { BridgeCalls } from '../shared/bridge.js';
import { dispatchCall } from './callSchemas.js';

/** Records what reached it: the host as far as dispatch can tell. */
function recordingHost(): { host: BridgeCalls; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const record =
    (name: string) =>
    (...args: unknown[]) => {
      calls.push([name, ...args]);
      return { ok: true, value: null };
    };
  const host = new Proxy({}, { get: (_t, name) => record(String(name)) }) as unknown as BridgeCalls;
  return { host, calls };
}

describe('bridge call dispatch', () => {
  it('passes parsed arguments to the host', async () => {
    const { host, calls } = recordingHost();
    await dispatchCall(host, 'saveAnswer', ['J-001', ['A', 'C'], true]);
    await dispatchCall(host, 'login', ['210400100001', '11010519800101001X']);
    expect(calls).toEqual([
      ['saveAnswer', 'J-001', ['A', 'C'], true],
      ['login', '210400100001', '11010519800101001X'],
    ]);
  });

  it('refuses unknown methods and malformed arguments before the host sees them', async () => {
    const { host, calls } = recordingHost();
    await expect(dispatchCall(host, 'constructor', [])).rejects.toMatchObject({ code: 'UNKNOWN_METHOD' });
    await expect(dispatchCall(host, 'saveAnswer', ['J-001', { $gt: 1 }, false])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENTS',
    });
    await expect(dispatchCall(host, 'reportAlert', ['restarted', 'x'])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENTS',
    });
    await expect(dispatchCall(host, 'getState', 'not-an-array')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENTS',
    });
    await expect(
      dispatchCall(host, 'reportScreen', [{ width: 1024, height: 768, displays: 1 }], ['getState']),
    ).rejects.toMatchObject({ code: 'UNKNOWN_METHOD' });
    expect(calls).toEqual([]);
  });
});
