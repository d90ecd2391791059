import { join } from 'node:path';
import { type BuiltExam, buildExamPackages, provinceRef, testExamSpec } from '@exam/centre';
import type { Ack, SaveResult } from '@exam/protocol';
import type { Socket } from 'socket.io-client';
import { type ChildSite, spawnSiteServer, writeIdentity } from './childServer.js';
import { siteFetch } from './siteFetch.js';
import { call, registeredKeysOf, type TestPki, testPki } from './testSite.js';

export const START_REASON = '考点服务器测试：按时开考';

export interface ChildSiteWithExam {
  site: ChildSite;
  pki: TestPki;
  built: BuiltExam;
}

async function postPackage(site: ChildSite, path: string, body: Buffer): Promise<void> {
  const res = await siteFetch(`${site.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${site.adminToken}`, 'content-type': 'application/octet-stream' },
    body,
  });
  const reply = (await res.json()) as { ok: boolean };
  if (!reply.ok) throw new Error(`${path} refused: ${JSON.stringify(reply)}`);
}

/**
 * The real site server binary in its own process (for kill -9), with a one-room exam whose
 * junior sitting is scheduled to start now, imported and authorised as a site admin would.
 * The child runs on the real clock, so a test's start command may come a little late: send
 * it with a reason (`START_REASON`), which a start within the grace minute simply records.
 */
export async function spawnSiteWithExam(dir: string, perRoom = 6): Promise<ChildSiteWithExam> {
  const pki = testPki();
  const identityDir = join(dir, 'identity');
  writeIdentity(identityDir, pki);
  const built = buildExamPackages(
    {
      ...testExamSpec({ rooms: 1, perRoom, juniorStart: new Date(Date.now()), province: provinceRef(pki) }),
      registeredKeys: registeredKeysOf(pki),
    },
    pki.centre,
    pki.site.certPem,
    { validFrom: new Date(Date.now() - 86_400_000), validUntil: new Date(Date.now() + 86_400_000) },
  );
  const site = await spawnSiteServer(join(dir, 'data'), identityDir);
  await postPackage(site, '/api/admin/exam-data', built.examData);
  await postPackage(site, '/api/admin/authorization', built.authorization);
  return { site, pki, built };
}

/** A candidate saving one answer after another, as fast as acknowledgements come back. */
export interface AnswerWriter {
  ticketNo: string;
  nextSeq: number;
  /** The highest sequence the server acknowledged: everything up to it must survive. */
  acked: number;
  socket: Socket;
}

const ITEMS = ['J-001', 'J-004', 'J-007', 'J-010'];

/** The answer a writer saves at `seq`: deterministic, so a re-send after a crash matches. */
export function writerChange(seq: number) {
  return { seq, itemId: ITEMS[seq % ITEMS.length]!, value: 'ABCD'[seq % 4]!, madeAt: 0 };
}

/** Saves until the socket drops (the server was killed), recording every ack received. */
export async function writeUntilDropped(w: AnswerWriter, sittingId: string): Promise<void> {
  while (w.socket.connected) {
    const seq = w.nextSeq;
    try {
      const r = await call<Ack<SaveResult>>(w.socket, 'answer:save', {
        sittingId,
        changes: [writerChange(seq)],
      });
      if (!r.ok) throw new Error(r.error.message);
      w.acked = Math.max(w.acked, r.value.ackSeq);
      w.nextSeq++;
    } catch {
      return;
    }
  }
}
