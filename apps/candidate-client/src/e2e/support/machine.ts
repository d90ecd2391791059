import { join } from 'node:path';
import type { CandidateSite } from '@exam/testkit';
import { loadOrCreateMachineKey } from '../../core/machineKey.js';
import { CandidateHost } from '../../host/candidateHost.js';
import { startWebHost, type WebHost } from '../../host/webHost.js';
import { approveMachineKey } from './approval.js';

/**
 * One test machine in web mode: a real CandidateHost (real core, real journal on disk)
 * behind the web host. The core's monotonic clock follows the site's manual clock, so a
 * test moving server time moves the countdown on screen.
 */
export interface TestMachine {
  host: CandidateHost;
  web: WebHost;
  journalPath: string;
  /** The machine's key file (its identity at the site), kept across restarts of the machine. */
  machineKeyPath: string;
  /** The machine's identity at the site (`machine_id` in its tables): its key's fingerprint. */
  fingerprint: string;
  /** Stops the client as a crash or restart would: the journal stays on disk. */
  stop(): Promise<void>;
}

export async function startTestMachine(opts: {
  site: CandidateSite;
  rendererDir: string;
  dir: string;
  seatNo: number;
  serverUrl?: string;
  port?: number;
  /** With `port`, a restart that keeps the page's address (its bridge token). */
  token?: string;
  /**
   * Approve the machine for its seat before it starts, as the machine check the day before
   * does (default); false starts a machine the site does not know yet.
   */
  approved?: boolean;
}): Promise<TestMachine> {
  const journalPath = join(opts.dir, `journal-seat-${opts.seatNo}.db`);
  const machineKeyPath = join(opts.dir, `machine-key-seat-${opts.seatNo}.pem`);
  const seat = { roomId: 'R1', seatNo: opts.seatNo };
  // Straight to the site, not through a test's NetworkLink: the day before, the LAN was fine.
  const fingerprint =
    opts.approved === false
      ? loadOrCreateMachineKey(machineKeyPath).fingerprint
      : await approveMachineKey(opts.site.url, machineKeyPath, seat);
  const host = new CandidateHost({
    core: {
      serverUrl: opts.serverUrl ?? opts.site.url,
      trust: opts.site.trust,
      journalPath,
      machineKeyPath,
      ...seat,
      clientVersion: '0.1.0',
      monotonicNow: () => opts.site.clock.now(),
      ackTimeoutMs: 2_000,
      drainTimeoutMs: 10_000,
      backoff: { minMs: 20, baseMs: 50, maxMs: 200 },
    },
    pushEveryMs: 200,
  });
  const web = await startWebHost({
    host,
    rendererDir: opts.rendererDir,
    ...(opts.port ? { port: opts.port } : {}),
    ...(opts.token ? { token: opts.token } : {}),
  });
  return {
    host,
    web,
    journalPath,
    machineKeyPath,
    fingerprint,
    async stop() {
      await web.close();
      host.close();
    },
  };
}
