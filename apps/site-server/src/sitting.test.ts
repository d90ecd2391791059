import { readFileSync } from 'node:fs';
import { idNumberFor, ticketFor, verifyAnswerPackage } from '@exam/centre';
import { openFromString } from '@exam/crypto';
import type { Ack, EndResult, HandedIn, LoginResult, SaveResult, SittingStarted } from '@exam/protocol';
import { paperSchema } from '@exam/protocol';
import { call, proctorSocket, seatedCandidate, startTestSite, type TestSite } from '@exam/testkit';
import type { Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const MIN = 60_000;
let site: TestSite;
let proctor: Socket;
let sockets: Socket[] = [];

async function seated(room: number, seat: number, n: number) {
  const seatedOne = await seatedCandidate(site.url, {
    roomId: `R${room}`,
    seatNo: seat,
    machineId: `machine-${room}-${seat}`,
    ticketNo: ticketFor(room, seat),
    idNumber: idNumberFor(n),
  });
  sockets.push(seatedOne.socket);
  return seatedOne;
}

function next<T>(s: Socket, event: string): Promise<T> {
  return new Promise((resolve) => s.once(event, resolve));
}

beforeEach(async () => {
  site = await startTestSite({ rooms: 1, perRoom: 3 });
  proctor = await proctorSocket(site, 'R1');
  sockets = [proctor];
  await call(proctor, 'login:open', { sittingId: 'S-J-ECON' });
});

afterEach(async () => {
  for (const s of sockets) s.disconnect();
  await site.stop();
});

describe('a junior sitting from start to answer package', () => {
  it('delivers the key at the start command and the paper opens with it', async () => {
    const { socket, login } = await seated(1, 1, 1);
    const startedEvent = next<SittingStarted>(socket, 'sitting:started');
    site.clock.set(site.juniorStart);
    expect((await call<Ack<unknown>>(proctor, 'sitting:start', { sittingId: 'S-J-ECON' })).ok).toBe(true);
    const started = await startedEvent;
    expect(started.sitting).toMatchObject({
      phase: 'running',
      startedAt: site.juniorStart,
      endsAt: site.juniorStart + 90 * MIN,
      earliestHandInAt: site.juniorStart + 75 * MIN,
    });
    const paper = paperSchema.parse(
      JSON.parse(
        openFromString(
          Buffer.from(started.sittingKey, 'base64'),
          login.sealedPaper,
          Buffer.from('S-J-ECON'),
        ).toString(),
      ),
    );
    expect(paper.items.length).toBe(10);
  });

  it('refuses a start over 30 minutes late without a province code, and needs a reason up to 30 minutes late', async () => {
    site.clock.set(site.juniorStart + 31 * MIN);
    const late = await call<Ack<unknown>>(proctor, 'sitting:start', { sittingId: 'S-J-ECON' });
    expect(late).toMatchObject({
      ok: false,
      error: { code: 'CODE_REQUIRED', details: { authority: 'province-code' } },
    });
    site.clock.set(site.juniorStart + 10 * MIN);
    const noReason = await call<Ack<unknown>>(proctor, 'sitting:start', { sittingId: 'S-J-ECON' });
    expect(noReason).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    const withReason = await call<Ack<unknown>>(proctor, 'sitting:start', {
      sittingId: 'S-J-ECON',
      reason: '停电，经市考试机构同意延迟开考',
    });
    expect(withReason).toMatchObject({ ok: true, value: { authority: 'city-consent' } });
  });

  it('refuses hand-in before minute 75 with the earliest time, and accepts it after', async () => {
    const { socket } = await seated(1, 1, 1);
    site.clock.set(site.juniorStart);
    await call(proctor, 'sitting:start', { sittingId: 'S-J-ECON' });
    site.clock.advance(75 * MIN - 1000);
    const early = await call<Ack<HandedIn>>(socket, 'exam:handIn', { sittingId: 'S-J-ECON' });
    expect(early).toMatchObject({
      ok: false,
      error: { code: 'TOO_EARLY', details: { earliestAt: site.juniorStart + 75 * MIN } },
    });
    site.clock.advance(1000);
    const onTime = await call<Ack<HandedIn>>(socket, 'exam:handIn', { sittingId: 'S-J-ECON' });
    expect(onTime).toEqual({
      ok: true,
      value: { sittingId: 'S-J-ECON', handedInAt: site.juniorStart + 75 * MIN, kind: 'manual' },
    });
  });

  it('hands in automatically at the end and tells the candidate', async () => {
    const { socket } = await seated(1, 1, 1);
    site.clock.set(site.juniorStart);
    await call(proctor, 'sitting:start', { sittingId: 'S-J-ECON' });
    const save = await call<Ack<SaveResult>>(socket, 'answer:save', {
      sittingId: 'S-J-ECON',
      changes: [{ seq: 1, itemId: 'J-001', value: 'B', madeAt: 0 }],
    });
    expect(save).toEqual({ ok: true, value: { ackSeq: 1 } });
    const handedIn = next<HandedIn>(socket, 'exam:handedIn');
    site.clock.advance(90 * MIN - 1);
    await site.server.tick();
    site.clock.advance(1);
    await site.server.tick();
    expect(await handedIn).toEqual({
      sittingId: 'S-J-ECON',
      handedInAt: site.juniorStart + 90 * MIN,
      kind: 'auto',
    });
  });

  it('blocks the end while someone answers, then writes a package the centre verifies', async () => {
    const a = await seated(1, 1, 1);
    const b = await seated(1, 2, 2);
    site.clock.set(site.juniorStart);
    await call(proctor, 'sitting:start', { sittingId: 'S-J-ECON' });
    await call(a.socket, 'answer:save', {
      sittingId: 'S-J-ECON',
      changes: [
        { seq: 1, itemId: 'J-001', value: 'A', madeAt: 0 },
        { seq: 2, itemId: 'J-002', value: ['A', 'C'], madeAt: 0 },
        { seq: 3, itemId: 'J-003', value: true, flagged: true, madeAt: 0 },
      ],
    });
    await call(b.socket, 'answer:save', {
      sittingId: 'S-J-ECON',
      changes: [{ seq: 1, itemId: 'J-001', value: 'D', madeAt: 0 }],
    });
    site.clock.advance(80 * MIN);
    expect((await call<Ack<HandedIn>>(a.socket, 'exam:handIn', { sittingId: 'S-J-ECON' })).ok).toBe(true);
    const blocked = await call<Ack<EndResult>>(proctor, 'sitting:end', { sittingId: 'S-J-ECON' });
    expect(blocked).toMatchObject({
      ok: false,
      error: { code: 'CANDIDATES_STILL_ANSWERING', details: { tickets: [ticketFor(1, 2)] } },
    });
    site.clock.advance(10 * MIN);
    const ended = await call<Ack<EndResult>>(proctor, 'sitting:end', { sittingId: 'S-J-ECON' });
    expect(ended).toMatchObject({ ok: true, value: { handedIn: 2, absent: 1 } });
    if (!ended.ok || !ended.value.answerPackage) throw new Error('no package');

    const verified = verifyAnswerPackage(readFileSync(ended.value.answerPackage), site.pki.centre);
    const byTicket = new Map(verified.candidates.map((c) => [c.ticketNo, c]));
    expect(byTicket.get(ticketFor(1, 1))).toMatchObject({
      status: 'handed-in',
      changes: 3,
      itemsAnswered: 3,
      handInKind: 'manual',
    });
    expect(byTicket.get(ticketFor(1, 2))).toMatchObject({
      status: 'handed-in',
      changes: 1,
      handInKind: 'auto',
    });
    expect(byTicket.get(ticketFor(1, 3))).toMatchObject({ status: 'absent', changes: 0 });
    expect(verified.auditEvents).toBeGreaterThan(5);
  });
});

describe('the start guard', () => {
  it('refuses the start at 08:17 and one second before 08:30, and starts on the second', async () => {
    const { socket, login } = await seated(1, 1, 1);
    const token = login.sessionToken;
    site.clock.set(site.juniorStart - 13 * MIN);
    const at0817 = await call<Ack<unknown>>(proctor, 'sitting:start', { sittingId: 'S-J-ECON' });
    expect(at0817).toMatchObject({
      ok: false,
      error: { code: 'TOO_EARLY', details: { earliestAt: site.juniorStart } },
    });
    site.clock.set(site.juniorStart - 1000);
    const oneSecondEarly = await call<Ack<unknown>>(proctor, 'sitting:start', {
      sittingId: 'S-J-ECON',
      reason: '一个理由也不能让试卷提前开启',
    });
    expect(oneSecondEarly).toMatchObject({ ok: false, error: { code: 'TOO_EARLY' } });
    const keyEarly = await call<Ack<LoginResult>>(socket, 'candidate:resume', { sessionToken: token });
    expect(keyEarly).toMatchObject({ ok: true, value: { sittingKey: null } });

    site.clock.set(site.juniorStart);
    const onTime = await call<Ack<unknown>>(proctor, 'sitting:start', { sittingId: 'S-J-ECON' });
    expect(onTime).toEqual({ ok: true, value: { startedAt: site.juniorStart, authority: 'on-time' } });
  });

  it('refuses a start in a room whose login was never opened', async () => {
    const other = await startTestSite({ rooms: 1, perRoom: 1 });
    try {
      const p = await proctorSocket(other, 'R1');
      sockets.push(p);
      other.clock.set(other.juniorStart);
      const start = await call<Ack<unknown>>(p, 'sitting:start', { sittingId: 'S-J-ECON' });
      expect(start).toMatchObject({ ok: false, error: { code: 'LOGIN_NOT_OPEN' } });
    } finally {
      await other.stop();
    }
  });

  it('counts late entry from the scheduled start when the start is on time, and from the real start when late', async () => {
    site.clock.set(site.juniorStart + 10 * MIN);
    expect(
      await call<Ack<unknown>>(proctor, 'sitting:start', { sittingId: 'S-J-ECON', reason: '停电' }),
    ).toMatchObject({ ok: true });
    site.clock.set(site.juniorStart + 15 * MIN);
    await expect(seated(1, 1, 1)).resolves.toBeDefined();
    site.clock.set(site.juniorStart + 15 * MIN + 1);
    await expect(seated(1, 2, 2)).rejects.toThrow(/Late entry is closed/);
  });
});
