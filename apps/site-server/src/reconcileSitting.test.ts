import { readFileSync } from 'node:fs';
import { idNumberFor, reconcileSittingsData, ticketFor, verifyAnswerPackage } from '@exam/centre';
import { issueApprovalCode } from '@exam/crypto';
import { siteLocalDate } from '@exam/domain';
import type { Ack, EndResult, ExtendResult } from '@exam/protocol';
import { call, proctorSocket, seatedCandidate, startTestSite, type TestSite } from '@exam/testkit';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The other side of the centre's reconciliation (packages/centre reconcile.ts): a sitting run
 * by the book, with a start 40 minutes late on the province's code, a proctor's 10 minutes
 * and then 15 more on a province code, answers and an automatic hand-in, gives a package in
 * which every extension, start and hand-in matches its audit event and code.
 */
const MIN = 60_000;
const SITTING = 'S-J-ECON';
let site: TestSite;
const sockets: Socket[] = [];
let packagePath = '';

beforeAll(async () => {
  site = await startTestSite({ rooms: 1, perRoom: 2 });
  const proctor = await proctorSocket(site, 'R1');
  sockets.push(proctor);
  await call(proctor, 'login:open', { sittingId: SITTING });
  const ticket = ticketFor(1, 1);
  const { socket } = await seatedCandidate(site.url, {
    roomId: 'R1',
    seatNo: 1,
    machineId: 'machine-reconcile-1',
    ticketNo: ticket,
    idNumber: idNumberFor(1),
  });
  sockets.push(socket);
  const params = {
    siteId: 'SITE-T',
    roomId: 'R1',
    sittingId: SITTING,
    date: siteLocalDate(site.juniorStart),
  };
  site.clock.set(site.juniorStart + 40 * MIN);
  const startCode = issueApprovalCode(site.built.approvalKeys.province, {
    ...params,
    kind: 'delayed-start',
    authority: 'province',
  });
  const started = await call<Ack<unknown>>(proctor, 'sitting:start', {
    sittingId: SITTING,
    code: startCode,
    reason: '停电',
  });
  if (!started.ok) throw new Error(JSON.stringify(started));
  await call(socket, 'answer:save', {
    sittingId: SITTING,
    changes: [{ seq: 1, itemId: 'J-001', value: 'A' }],
  });
  const extend = (minutes: number, code?: string) =>
    call<Ack<ExtendResult>>(proctor, 'candidate:extend', {
      sittingId: SITTING,
      tickets: [ticket],
      minutes,
      reason: '机器故障',
      ...(code ? { code } : {}),
    });
  expect(await extend(10)).toMatchObject({ ok: true, value: { authority: 'proctor' } });
  const extensionCode = issueApprovalCode(site.built.approvalKeys.province, {
    ...params,
    kind: 'extension',
    authority: 'province',
    tickets: [ticket],
    minutes: 15,
  });
  expect(await extend(15, extensionCode)).toMatchObject({ ok: true, value: { authority: 'province-code' } });
  await call(socket, 'answer:save', {
    sittingId: SITTING,
    changes: [{ seq: 2, itemId: 'J-002', value: ['B'] }],
  });
  // Past the candidate's own end (90 + 25 minutes after the start): handed in automatically.
  site.clock.advance(116 * MIN);
  // The end is refused until the auto hand-in has run (the server's timer): wait for that state.
  let ended = await call<Ack<EndResult>>(proctor, 'sitting:end', { sittingId: SITTING });
  for (let i = 0; i < 200 && !ended.ok; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    ended = await call<Ack<EndResult>>(proctor, 'sitting:end', { sittingId: SITTING });
  }
  if (!ended.ok || !ended.value.answerPackage) throw new Error(`no package: ${JSON.stringify(ended)}`);
  packagePath = ended.value.answerPackage;
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await site.stop();
});

describe('a sitting run by the book reconciles at the centre', () => {
  it('matches every start, extension and hand-in with its audit event and code', () => {
    const v = verifyAnswerPackage(
      readFileSync(packagePath),
      site.pki.centre,
      new Date(),
      site.built.approvalKeys,
    );
    expect(v.reconciliation).toEqual({
      problems: [],
      uncheckedCodes: 0,
      extensionsChecked: 2,
      startsChecked: 1,
      handInsChecked: 1,
    });
    expect(v.package.rooms).toEqual([
      expect.objectContaining({
        roomId: 'R1',
        startedAt: site.juniorStart + 40 * MIN,
        startAuthority: 'province-code',
      }),
    ]);
    // The same package read without the keys: the two codes are counted as not re-checked.
    expect(reconcileSittingsData(v.package, undefined).uncheckedCodes).toBe(2);
  });
});
