import type { KeyHolder } from '@exam/centre';
import { startTestSite, type TestSite, testTrust } from '@exam/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../testing/eventually.js';
import { ProctorCore } from './proctorCore.js';

const TEN_MINUTES = 10 * 60_000;

let site: TestSite;
let cores: ProctorCore[] = [];

beforeEach(async () => {
  site = await startTestSite({ rooms: 1, perRoom: 2 });
});

afterEach(async () => {
  for (const c of cores) c.close();
  cores = [];
  await site.stop();
});

function openConsole(key: KeyHolder = site.pki.proctors.get('R1')!, opts: { timeSyncEveryMs?: number } = {}) {
  const trust = testTrust();
  const core = new ProctorCore({
    serverUrl: site.url,
    siteId: trust.siteId,
    centreRootPem: trust.centreRootPem,
    roomId: 'R1',
    key,
    ...opts,
  });
  cores.push(core);
  return core;
}

const clockError = (core: ProctorCore) => Math.abs(core.state.serverNow() - site.clock.now());

describe('the console signs in without taking a clock from the server (issue 16)', () => {
  it('keeps working after the server’s clock jumps by 10 minutes, and shows the new time', async () => {
    const core = openConsole();
    await core.ready();
    expect(clockError(core)).toBeLessThan(2_000);
    const states: boolean[] = [];
    core.on('connection', (connected) => states.push(connected));

    // A time correction on the server, then the server restarts: the console reconnects,
    // signs in again (it used to sign "now" from its stale calibration and was refused
    // forever) and its clock follows the server's.
    site.clock.advance(TEN_MINUTES);
    await site.restart();
    await eventually(() => states.join()).toMatch(/false,.*true$/);
    expect(core.connected).toBe(true);
    await eventually(() => clockError(core)).toBeLessThan(2_000);
    await core.refresh();
    expect(core.state.room?.roomId).toBe('R1');
  });

  it('follows a jump of the server’s clock without reconnecting', async () => {
    const core = openConsole(undefined, { timeSyncEveryMs: 100 });
    await core.ready();
    const states: boolean[] = [];
    core.on('connection', (connected) => states.push(connected));
    site.clock.advance(TEN_MINUTES);
    await eventually(() => clockError(core)).toBeLessThan(2_000);
    expect(states).toEqual([]);
  });

  it('reports a refused key instead of reconnecting', async () => {
    const core = openConsole(site.pki.unregistered);
    await expect(core.ready()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(core.connected).toBe(false);
  });
});
