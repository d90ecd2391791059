import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuiltExam, TestExamOptions } from '@exam/centre';
import { createSiteServer, ManualClock, type SiteServer } from '@exam/site-server';
import { closeMachineApprovers } from './approvers.js';
import { buildTestExam, type TestPki, testPki } from './testSite.js';

/**
 * A real site server before its exam data is imported (the admin's first step), with the
 * test exam's packages built for it: what the admin page's import screen uploads.
 */
export interface EmptyTestSite {
  server: SiteServer;
  url: string;
  dataDir: string;
  clock: ManualClock;
  pki: TestPki;
  built: BuiltExam;
  juniorStart: number;
  stop(): Promise<void>;
}

export async function startEmptyTestSite(opts: Partial<TestExamOptions> = {}): Promise<EmptyTestSite> {
  const juniorStart = opts.juniorStart ?? new Date(Date.UTC(2021, 9, 23, 0, 30));
  const pki = testPki();
  const built = buildTestExam(pki, { ...opts, juniorStart });
  const dataDir = mkdtempSync(join(tmpdir(), 'site-empty-'));
  const clock = new ManualClock(juniorStart.getTime() - 30 * 60_000);
  const server = createSiteServer({
    dataDir,
    identity: {
      certPem: pki.site.certPem,
      privateKeyPem: pki.site.privateKeyPem,
      trustedRootPem: pki.centre.certPem,
    },
    tls: { certPem: pki.siteTls.certPem, privateKeyPem: pki.siteTls.privateKeyPem },
    clock,
    tickMs: 50,
  });
  const url = await server.listen();
  return {
    server,
    url,
    dataDir,
    clock,
    pki,
    built,
    juniorStart: juniorStart.getTime(),
    async stop() {
      closeMachineApprovers(url);
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
