import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExamPackages, provinceRef, testExamSpec } from '@exam/centre';
import type { SiteTrust } from '@exam/crypto';
import type { Ack, Paper } from '@exam/protocol';
import { createSiteServer, ManualClock, type SiteServer } from '@exam/site-server';
import type { Socket } from 'socket.io-client';
import { closeMachineApprovers, registerMachineApprover } from './approvers.js';
import { silhouettePhotoPng } from './photo.js';
import { signedInProctorSocket } from './proctorSignIn.js';
import { juniorSamplePaper, seniorSamplePaper } from './samplePapers.js';
import { siteFetch } from './siteFetch.js';
import { call, registeredKeysOf, testPki, testTrust } from './testSite.js';

export const JUNIOR_SITTING = 'S-J-ECON';
export const SENIOR_SITTING = 'S-SENIOR';
const MIN = 60_000;

/**
 * A real site server (real SQLite, real socket.io on loopback, a manual clock) loaded, the
 * way a site admin loads it, with the test exam from @exam/centre but the sample papers
 * and a photo, so the candidate screens show what a candidate would see.
 */
export interface CandidateSite {
  server: SiteServer;
  url: string;
  /** What the candidate client is installed with: the centre root and the siteId. */
  trust: SiteTrust;
  clock: ManualClock;
  juniorStart: number;
  seniorStart: number;
  /** A proctor console's socket for room R1, signed in with its registered key. */
  proctor: Socket;
  proctorCall(event: string, payload: unknown): Promise<unknown>;
  /** What the server stored for a candidate, one row per sequence number. */
  storedChanges(ticketNo: string): { seq: number; itemId: string; value: unknown; flagged: boolean }[];
  stop(): Promise<void>;
}

export async function startCandidateSite(opts: { juniorPaper?: Paper } = {}): Promise<CandidateSite> {
  const juniorStart = new Date(Date.UTC(2021, 9, 23, 0, 30));
  const seniorStart = new Date(juniorStart.getTime() + 6 * 60 * MIN);
  const pki = testPki();
  const base = testExamSpec({
    rooms: 1,
    perRoom: 3,
    seniorPerRoom: 1,
    juniorStart,
    seniorStart,
    province: provinceRef(pki),
  });
  const photo = silhouettePhotoPng();
  const names = ['王晓明', '李华', '张敏', '陈静'];
  const spec = {
    ...base,
    examName: '2021年度经济专业技术资格考试',
    site: { ...base.site, name: '测试考点' },
    sittings: base.sittings.map((s) =>
      s.sittingId === JUNIOR_SITTING
        ? { ...s, paper: opts.juniorPaper ?? juniorSamplePaper() }
        : { ...s, paper: seniorSamplePaper() },
    ),
    candidates: base.candidates.map((c, i) => ({ ...c, name: names[i] ?? c.name, photoPng: photo })),
    registeredKeys: registeredKeysOf(pki),
  };
  const built = buildExamPackages(
    spec,
    pki.centre,
    pki.site.certPem,
    {
      validFrom: new Date(juniorStart.getTime() - 86_400_000),
      validUntil: new Date(juniorStart.getTime() + 2 * 86_400_000),
    },
    new Date(juniorStart.getTime() - 86_400_000),
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'candidate-site-'));
  const clock = new ManualClock(juniorStart.getTime() - 30 * MIN);
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
  for (const [path, body] of [
    ['/api/admin/exam-data', built.examData],
    ['/api/admin/authorization', built.authorization],
  ] as const) {
    const res = await siteFetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  }
  const proctor = await signedInProctorSocket(url, testTrust(), pki.proctors.get('R1')!, 'R1');
  // The room's console approves the test machines (issue 16); other rooms sign in on demand.
  registerMachineApprover(url, async (roomId) => {
    if (roomId === 'R1') return proctor;
    return signedInProctorSocket(url, testTrust(), pki.proctors.get(roomId) ?? pki.chief, roomId);
  });
  return {
    server,
    url,
    trust: testTrust(),
    clock,
    juniorStart: juniorStart.getTime(),
    seniorStart: seniorStart.getTime(),
    proctor,
    async proctorCall(event, payload) {
      const ack = await call<Ack<unknown>>(proctor, event, payload);
      if (!ack.ok) throw new Error(`${event}: ${ack.error.code} ${ack.error.message}`);
      return ack.value;
    },
    storedChanges(ticketNo) {
      const rows = server.ctx.db
        .prepare('SELECT seq, item_id, value, flagged FROM answer_changes WHERE ticket_no = ? ORDER BY seq')
        .all(ticketNo) as { seq: number; item_id: string; value: string; flagged: number }[];
      return rows.map((r) => ({
        seq: r.seq,
        itemId: r.item_id,
        value: JSON.parse(r.value),
        flagged: r.flagged === 1,
      }));
    },
    async stop() {
      closeMachineApprovers(url);
      proctor.disconnect();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
