import { idNumberFor, ticketFor } from '@exam/centre';
import { sign } from '@exam/crypto';
import {
  type Ack,
  type AnswerValue,
  type StandaloneAnswerFile,
  type StandaloneChallenge,
  type StandaloneExportResult,
  standaloneConsentStatement,
} from '@exam/protocol';
import { openStandalonePackage, writeStandaloneAnswerFile } from '@exam/standalone';
import {
  call,
  proctorSocket,
  seatedCandidate,
  startTestSite,
  testMachineFingerprint,
  testMachineKey,
} from '@exam/testkit';
import type { Socket } from 'socket.io-client';

/**
 * The site server's standalone figures (issue 17), through a real site (`startTestSite`: TLS,
 * socket.io, SQLite with synchronous=FULL) and a signed-in console: the time from the
 * console's `standalone:export` to its reply (consent check, the package built from the
 * server's data for an `items`-item paper holding `changes` answer changes, signed, locked
 * under the code, the candidate taken offline, all committed), and from `standalone:collect`
 * of an answer file with `changes` new changes and the hand-in to its reply (opened, checked,
 * merged, handed in, committed). One candidate per round: a package per candidate at a time.
 */
export async function benchSiteStandalone(o: { items: number; changes: number; rounds: number }) {
  const SITTING = 'S-J-ECON';
  const site = await startTestSite({ rooms: 1, perRoom: o.rounds + 1, items: o.items });
  const sockets: Socket[] = [];
  const must = async <T>(p: Promise<Ack<T>>, what: string): Promise<T> => {
    const r = await p;
    if (!r.ok) throw new Error(`${what}: ${r.error.code} ${r.error.message}`);
    return r.value;
  };
  try {
    const proctor = await proctorSocket(site, 'R1');
    sockets.push(proctor);
    await must(call(proctor, 'login:open', { sittingId: SITTING }), 'login:open');
    // The test paper's items cycle single, multiple, true/false choice (juniorTestPaper).
    const valueFor = (i: number): AnswerValue => {
      const j = i % o.items;
      return j % 3 === 0 ? 'A' : j % 3 === 1 ? ['A', 'B'] : i % 2 === 0;
    };
    const itemId = (i: number) => `J-${String((i % o.items) + 1).padStart(3, '0')}`;
    const seats = Array.from({ length: o.rounds }, (_, k) => k + 1);
    const machines: Socket[] = [];
    for (const seat of seats) {
      const { socket } = await seatedCandidate(site.url, {
        roomId: 'R1',
        seatNo: seat,
        machineId: `bench-sa-${seat}`,
        ticketNo: ticketFor(1, seat),
        idNumber: idNumberFor(seat),
      });
      machines.push(socket);
      sockets.push(socket);
    }
    // The target machine, approved on the spare seat.
    const target = `bench-sa-target`;
    const spare = await seatedCandidate(site.url, {
      roomId: 'R1',
      seatNo: o.rounds + 1,
      machineId: target,
      ticketNo: ticketFor(1, o.rounds + 1),
      idNumber: idNumberFor(o.rounds + 1),
    });
    sockets.push(spare.socket);
    site.clock.set(site.juniorStart);
    await must(call(proctor, 'sitting:start', { sittingId: SITTING }), 'sitting:start');
    const now = site.clock.now();
    for (const m of machines) {
      for (let from = 0; from < o.changes; from += 200) {
        const changes = Array.from({ length: Math.min(200, o.changes - from) }, (_, k) => {
          const i = from + k;
          return { seq: i + 1, itemId: itemId(i), value: valueFor(i), flagged: false, madeAt: now };
        });
        await must(call(m, 'answer:save', { sittingId: SITTING, changes }), 'answer:save');
      }
    }
    site.clock.advance(30 * 60_000);
    const exportMs: number[] = [];
    const collectMs: number[] = [];
    let packageBytes = 0;
    let answerFileBytes = 0;
    const fingerprint = testMachineFingerprint(target);
    for (const seat of seats) {
      const ticketNo = ticketFor(1, seat);
      const reason = '考试机与备用机均故障';
      const { challenge } = await must(
        call<Ack<StandaloneChallenge>>(proctor, 'standalone:challenge', {}),
        'standalone:challenge',
      );
      const statement = standaloneConsentStatement({
        action: 'export',
        siteId: site.trust.siteId,
        sittingId: SITTING,
        ticketNo,
        subject: fingerprint,
        reason,
        challenge,
      });
      const request = {
        ticketNo,
        targetMachineFingerprint: fingerprint,
        reason,
        consent: {
          certPem: site.pki.chief.certPem,
          signature: sign(statement, site.pki.chief.privateKeyPem).toString('base64'),
          challenge,
        },
      };
      let t0 = performance.now();
      const exported = await must(
        call<Ack<StandaloneExportResult>>(proctor, 'standalone:export', request),
        'standalone:export',
      );
      exportMs.push(performance.now() - t0);
      const bytes = Buffer.from(exported.fileBase64, 'base64');
      packageBytes = bytes.length;
      const pkg = openStandalonePackage(bytes, {
        trustedRootPem: site.pki.centre.certPem,
        siteId: site.trust.siteId,
        machineFingerprint: fingerprint,
        code: exported.code,
        now: new Date(site.clock.now()),
      });
      if (pkg.changes.length !== o.changes) throw new Error(`package holds ${pkg.changes.length} changes`);
      const content: StandaloneAnswerFile = {
        formatVersion: 1,
        packageId: pkg.packageId,
        fileSeq: 1,
        siteId: pkg.siteId,
        sittingId: pkg.sittingId,
        ticketNo,
        machineFingerprint: fingerprint,
        writtenElapsedMs: o.changes * 1000,
        changes: Array.from({ length: o.changes }, (_, k) => {
          const i = o.changes + k;
          return {
            seq: pkg.highestSeq + k + 1,
            itemId: itemId(i),
            value: valueFor(i),
            flagged: false,
            madeAt: 0,
            elapsedMs: (k + 1) * 1000,
          };
        }),
        handIn: { elapsedMs: o.changes * 1000 + 1000, auto: false, answersHash: 'ab'.repeat(32) },
      };
      const file = writeStandaloneAnswerFile({
        content,
        machineKey: testMachineKey(target),
        recipientCertPems: [pkg.answerRecipients.siteCertPem, pkg.answerRecipients.centreCertPem],
      });
      answerFileBytes = file.length;
      t0 = performance.now();
      const collected = await must(
        call<Ack<{ merged: number }>>(proctor, 'standalone:collect', { fileBase64: file.toString('base64') }),
        'standalone:collect',
      );
      collectMs.push(performance.now() - t0);
      if (collected.merged !== o.changes) throw new Error(`merged ${collected.merged} changes`);
    }
    return { exportMs, collectMs, packageBytes, answerFileBytes };
  } finally {
    for (const s of sockets) s.disconnect();
    await site.stop();
  }
}
