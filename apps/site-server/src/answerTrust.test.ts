import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { idNumberFor, ticketFor, verifyAnswerPackage } from '@exam/centre';
import { ANSWER_CLOCK_SKEW_MS, ANSWER_SEQ_WINDOW } from '@exam/domain';
import type { Ack, LoginResult, SaveResult } from '@exam/protocol';
import {
  approvedMachine,
  call,
  connected,
  proctorSocket,
  rawSocket,
  seatedCandidate,
  startTestSite,
  type TestSite,
} from '@exam/testkit';
import Database from 'better-sqlite3';
import type { Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/*
 * Issue 16, the server's word is final: the attacks of points 5, 6 and 8, each as a LAN
 * attacker or a candidate would try it against the site server.
 */

const MIN = 60_000;
const SITTING = 'S-J-ECON';
const SEAT = { roomId: 'R1', seatNo: 1, ticketNo: ticketFor(1, 1), idNumber: idNumberFor(1) };
let site: TestSite;
let proctor: Socket;
let sockets: Socket[] = [];
let end: number;

beforeEach(async () => {
  site = await startTestSite({ rooms: 1, perRoom: 2 });
  proctor = await proctorSocket(site, 'R1');
  sockets = [proctor];
  await call(proctor, 'login:open', { sittingId: SITTING });
  site.clock.set(site.juniorStart);
  await call(proctor, 'sitting:start', { sittingId: SITTING });
  end = site.juniorStart + 90 * MIN;
});

afterEach(async () => {
  for (const s of sockets) s.disconnect();
  await site.stop();
});

async function candidate(machineId: string) {
  const seated = await seatedCandidate(site.url, { ...SEAT, machineId });
  sockets.push(seated.socket);
  return seated;
}

/** Another connection of the machine, resuming the session with its token. */
async function resumeOn(machineId: string, sessionToken: string) {
  const socket = rawSocket(site.url, 'candidate');
  sockets.push(socket);
  await connected(socket);
  await approvedMachine(site.url, socket, { roomId: 'R1', seatNo: 1, machineId });
  return { socket, resumed: await call<Ack<LoginResult>>(socket, 'candidate:resume', { sessionToken }) };
}

const save = (s: Socket, changes: unknown[]) =>
  call<Ack<SaveResult>>(s, 'answer:save', { sittingId: SITTING, changes });

function query<T>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(join(site.dataDir, 'site.db'), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

const storedChanges = () =>
  query<{ seq: number; item_id: string; value: string; late_arrival: number }>(
    'SELECT seq, item_id, value, late_arrival FROM answer_changes WHERE ticket_no = ? ORDER BY seq',
    SEAT.ticketNo,
  );

describe('one live session per candidate', () => {
  it('a second session cannot overwrite the victim’s answers: the old socket is refused, never acked-and-dropped', async () => {
    const victim = await candidate('m-victim');
    const now = site.clock.now();
    expect(await save(victim.socket, [{ seq: 1, itemId: 'J-001', value: 'A', madeAt: now }])).toEqual({
      ok: true,
      value: { ackSeq: 1 },
    });
    const replaced = new Promise((resolve) => victim.socket.once('session:replaced', resolve));
    // The attacker's connection logs in as the victim and fills the victim's next sequences.
    const attacker = await candidate('m-victim');
    expect(await replaced).toEqual({ sittingId: SITTING });
    expect(
      await save(attacker.socket, [
        { seq: 2, itemId: 'J-002', value: null, madeAt: now },
        { seq: 3, itemId: 'J-004', value: null, madeAt: now },
      ]),
    ).toEqual({ ok: true, value: { ackSeq: 3 } });
    // The victim's real answer on the old socket: refused, so its machine keeps it.
    expect(await save(victim.socket, [{ seq: 2, itemId: 'J-002', value: ['B'], madeAt: now }])).toMatchObject(
      {
        ok: false,
        error: { code: 'SESSION_REPLACED' },
      },
    );
    // The victim logs in again (the attacker's login voided their token) and sends seq 2:
    // it differs from what is stored, a conflict, never an acknowledgement; the very same
    // change sent again is an idempotent re-send.
    const attackerReplaced = new Promise((resolve) => attacker.socket.once('session:replaced', resolve));
    const back = await candidate('m-victim');
    await attackerReplaced;
    expect(await save(back.socket, [{ seq: 2, itemId: 'J-002', value: ['B'], madeAt: now }])).toMatchObject({
      ok: false,
      error: { code: 'SEQ_CONFLICT' },
    });
    expect(await save(back.socket, [{ seq: 3, itemId: 'J-004', value: null, madeAt: now }])).toEqual({
      ok: true,
      value: { ackSeq: 3 },
    });
    expect(storedChanges().map((c) => [c.seq, c.value])).toEqual([
      [1, '"A"'],
      [2, 'null'],
      [3, 'null'],
    ]);
  });
});

describe('a bounded sequence window', () => {
  it('refuses seq 10,000,000 (and anything past the window), storing nothing, and the machine saves on', async () => {
    const { socket } = await candidate('m-seq');
    const now = site.clock.now();
    for (const seq of [10_000_000, ANSWER_SEQ_WINDOW + 1]) {
      expect(await save(socket, [{ seq, itemId: 'J-001', value: 'A', madeAt: now }])).toMatchObject({
        ok: false,
        error: { code: 'SEQ_OUT_OF_WINDOW' },
      });
    }
    expect(storedChanges()).toEqual([]);
    expect(await save(socket, [{ seq: 1, itemId: 'J-001', value: 'A', madeAt: now }])).toEqual({
      ok: true,
      value: { ackSeq: 1 },
    });
  });

  it('records a reset’s abandoned sequences as runs read from the stored rows, not by counting to a claimed 10,000,000', async () => {
    const { socket } = await candidate('m-reset');
    const now = site.clock.now();
    await save(socket, [{ seq: 1, itemId: 'J-001', value: 'A', madeAt: now }]);
    await save(socket, [{ seq: 3, itemId: 'J-001', value: 'B', madeAt: now }]);
    // A row stored before the window existed (or written straight into site.db).
    const db = new Database(join(site.dataDir, 'site.db'));
    try {
      db.prepare(
        `INSERT INTO answer_changes (ticket_no, sitting_id, seq, item_id, value, flagged, received_at, made_at)
         VALUES (?, ?, 10000000, 'J-001', '"C"', 0, ?, ?)`,
      ).run(SEAT.ticketNo, SITTING, now, now);
      db.prepare(
        'UPDATE candidate_sittings SET max_seq = 10000000 WHERE ticket_no = ? AND sitting_id = ?',
      ).run(SEAT.ticketNo, SITTING);
    } finally {
      db.close();
    }
    const t0 = performance.now();
    const reset = await call<Ack<unknown>>(proctor, 'candidate:reset', {
      sittingId: SITTING,
      ticketNo: SEAT.ticketNo,
      reason: '考试机蓝屏',
    });
    expect(reset.ok).toBe(true);
    // Proportional to the rows: far below the seconds counting to 10,000,000 took.
    expect(performance.now() - t0).toBeLessThan(2_000);
    const [row] = query<{ abandoned_seqs: string }>('SELECT abandoned_seqs FROM resets');
    expect(JSON.parse(row!.abandoned_seqs)).toEqual([
      [2, 2],
      [4, 9_999_999],
    ]);
  });
});

describe('the server’s word is final on time', () => {
  it('refuses a change made after the candidate’s end, and one from a machine that stayed online', async () => {
    const { socket } = await candidate('m-late');
    site.clock.set(end + ANSWER_CLOCK_SKEW_MS + 1_000);
    expect(
      await save(socket, [{ seq: 1, itemId: 'J-001', value: 'A', madeAt: site.clock.now() }]),
    ).toMatchObject({ ok: false, error: { code: 'AFTER_END' } });
    // Stamped before the end, but the server saw this machine connected all along.
    expect(await save(socket, [{ seq: 1, itemId: 'J-001', value: 'A', madeAt: end - MIN }])).toMatchObject({
      ok: false,
      error: { code: 'AFTER_END' },
    });
    expect(storedChanges()).toEqual([]);
  });

  it('keeps a change still on the wire at the end, within the skew', async () => {
    const { socket } = await candidate('m-wire');
    site.clock.set(end + ANSWER_CLOCK_SKEW_MS - 1_000);
    expect(await save(socket, [{ seq: 1, itemId: 'J-001', value: 'A', madeAt: end - 500 }])).toEqual({
      ok: true,
      value: { ackSeq: 1 },
    });
    expect(storedChanges()).toEqual([{ seq: 1, item_id: 'J-001', value: '"A"', late_arrival: 0 }]);
  });

  it('refuses a change after the hand-in, and a resume of the handed-in sitting', async () => {
    const { socket, login } = await candidate('m-handin');
    site.clock.set(end - 10 * MIN);
    expect(await call<Ack<unknown>>(socket, 'exam:handIn', { sittingId: SITTING })).toMatchObject({
      ok: true,
    });
    site.clock.advance(1_000);
    expect(
      await save(socket, [{ seq: 1, itemId: 'J-001', value: 'A', madeAt: site.clock.now() }]),
    ).toMatchObject({ ok: false, error: { code: 'HANDED_IN' } });
    const again = await resumeOn('m-handin', login.sessionToken);
    expect(again.resumed).toMatchObject({ ok: false, error: { code: 'HANDED_IN' } });
    expect(
      await save(again.socket, [{ seq: 1, itemId: 'J-001', value: 'A', madeAt: end - 11 * MIN }]),
    ).toMatchObject({ ok: false });
    expect(storedChanges()).toEqual([]);
  });

  it('keeps a change made in time on a machine that was offline, marked as a late arrival', async () => {
    const { socket, login } = await candidate('m-offline');
    site.clock.set(site.juniorStart + 10 * MIN);
    await save(socket, [{ seq: 1, itemId: 'J-001', value: 'A', madeAt: site.clock.now() }]);
    // The cable is pulled; the candidate answers on, offline, until the end.
    site.clock.set(site.juniorStart + 20 * MIN);
    socket.disconnect();
    await expect
      .poll(
        () =>
          query<{ down_since: number | null }>(
            'SELECT down_since FROM candidate_sittings WHERE ticket_no = ?',
            SEAT.ticketNo,
          )[0]?.down_since,
        { timeout: 20_000 },
      )
      .not.toBeNull();
    site.clock.set(end + 10 * MIN);
    await site.server.tick();
    const back = await resumeOn('m-offline', login.sessionToken);
    // Over: no answering; the machine delivers what it holds under its token.
    expect(back.resumed).toMatchObject({ ok: false });
    const deliver = (changes: unknown[]) =>
      call<Ack<SaveResult>>(back.socket, 'answer:deliver', {
        sessionToken: login.sessionToken,
        sittingId: SITTING,
        changes,
      });
    expect(
      await deliver([{ seq: 2, itemId: 'J-002', value: ['C'], madeAt: site.juniorStart + 40 * MIN }]),
    ).toEqual({
      ok: true,
      value: { ackSeq: 2 },
    });
    expect(await deliver([{ seq: 3, itemId: 'J-004', value: 'D', madeAt: end + 2 * MIN }])).toMatchObject({
      ok: false,
      error: { code: 'AFTER_END' },
    });
    expect(storedChanges()).toEqual([
      { seq: 1, item_id: 'J-001', value: '"A"', late_arrival: 0 },
      { seq: 2, item_id: 'J-002', value: '["C"]', late_arrival: 1 },
    ]);
    // The package carries the mark with both times, and the centre lists it.
    const ended = await call<Ack<{ answerPackage: string | null }>>(proctor, 'sitting:end', {
      sittingId: SITTING,
    });
    if (!ended.ok || !ended.value.answerPackage) throw new Error(`no package: ${JSON.stringify(ended)}`);
    const verified = verifyAnswerPackage(readFileSync(ended.value.answerPackage), site.pki.centre);
    expect(verified.lateArrivals).toEqual([
      {
        ticketNo: SEAT.ticketNo,
        roomId: 'R1',
        seq: 2,
        itemId: 'J-002',
        madeAt: site.juniorStart + 40 * MIN,
        receivedAt: end + 10 * MIN,
      },
    ]);
    const packaged = verified.package.candidates.find((c) => c.ticketNo === SEAT.ticketNo)!.changes;
    expect(packaged.map((c) => [c.seq, c.lateArrival])).toEqual([
      [1, false],
      [2, true],
    ]);
  });
});
