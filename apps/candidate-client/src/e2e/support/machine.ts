import { join } from 'node:path';
import type { CandidateSite } from '@exam/testkit';
import { CandidateHost } from '../../host/candidateHost.js';
import { startWebHost, type WebHost } from '../../host/webHost.js';

/**
 * One test machine in web mode: a real CandidateHost (real core, real journal on disk)
 * behind the web host. The core's monotonic clock follows the site's manual clock, so a
 * test moving server time moves the countdown on screen.
 */
export interface TestMachine {
  host: CandidateHost;
  web: WebHost;
  journalPath: string;
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
}): Promise<TestMachine> {
  const journalPath = join(opts.dir, `journal-seat-${opts.seatNo}.db`);
  const host = new CandidateHost({
    core: {
      serverUrl: opts.serverUrl ?? opts.site.url,
      journalPath,
      roomId: 'R1',
      seatNo: opts.seatNo,
      machineId: `machine-R1-${opts.seatNo}`,
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
    async stop() {
      await web.close();
      host.close();
    },
  };
}
