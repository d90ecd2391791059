import { join } from 'node:path';
import { idNumberFor, ticketFor } from '@exam/centre';
import type { Ack, MachineTile, SaveResult } from '@exam/protocol';
import {
  approvedMachine,
  call,
  connected,
  proctorSocket,
  rawSocket,
  seatedCandidate,
  startTestSite,
  type TestSite,
  testMachineFingerprint,
} from '@exam/testkit';
import Database from 'better-sqlite3';
import type { Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SaveRequest } from './answers/groupCommit.js';

/**
 * One machine, the whole day: a previous sitting's leftovers arrive by `answer:deliver`
 * whoever is logged in, and the next sitting's candidate logs in on the same machine.
 */
const MIN = 60_000;
const MACHINE = 'machine-seat-1';
/** Seat 1 of room R1: the first junior sitting's candidate, then the second's. */
const FIRST = { ticketNo: ticketFor(1, 1), idNumber: idNumberFor(1) };
const NEXT = { ticketNo: ticketFor(1, 3), idNumber: idNumberFor(3) };
const PRACTICE_START_MS = (90 + 40) * MIN;

let site: TestSite;
let proctor: Socket;
let sockets: Socket[] = [];
/** The first candidate's session token, issued on MACHINE. */
let token: string;

beforeEach(async () => {
  site = await startTestSite({ rooms: 1, perRoom: 2, practicePerRoom: 2 });
  proctor = await proctorSocket(site, 'R1');
  sockets = [proctor];
  await call(proctor, 'login:open', { sittingId: 'S-J-ECON' });
  site.clock.set(site.juniorStart);
  expect(await call(proctor, 'sitting:start', { sittingId: 'S-J-ECON' })).toMatchObject({ ok: true });
  const first = await seatedCandidate(site.url, { roomId: 'R1', seatNo: 1, machineId: MACHINE, ...FIRST });
  first.socket.disconnect();
  token = first.login.sessionToken;
});

afterEach(async () => {
  for (const s of sockets) s.disconnect();
  await site.stop();
});

/** A machine at its seat, registered and nobody logged in: the client between two sittings. */
async function machine(machineId = MACHINE, seatNo = 1): Promise<Socket> {
  const s = rawSocket(site.url, 'candidate');
  sockets.push(s);
  await connected(s);
  await approvedMachine(site.url, s, { roomId: 'R1', seatNo, machineId });
  return s;
}

const deliver = (s: Socket, changes: unknown[], o: { sessionToken?: string; sittingId?: string } = {}) =>
  call<Ack<SaveResult>>(s, 'answer:deliver', {
    sessionToken: o.sessionToken ?? token,
    sittingId: o.sittingId ?? 'S-J-ECON',
    changes,
  });

function stored(ticketNo = FIRST.ticketNo) {
  const db = new Database(join(site.dataDir, 'site.db'), { readonly: true });
  try {
    return db
      .prepare('SELECT sitting_id, seq, item_id, value FROM answer_changes WHERE ticket_no = ? ORDER BY seq')
      .all(ticketNo);
  } finally {
    db.close();
  }
}

describe('answer:deliver', () => {
  it('stores a retired session’s changes sent from its own machine and acknowledges them', async () => {
    const s = await machine();
    expect(await deliver(s, [{ seq: 1, itemId: 'J-001', value: 'A', madeAt: 0 }])).toEqual({
      ok: true,
      value: { ackSeq: 1 },
    });
    expect(stored()).toEqual([{ sitting_id: 'S-J-ECON', seq: 1, item_id: 'J-001', value: '"A"' }]);
  });

  it('refuses the token on any other machine, storing nothing', async () => {
    const other = await machine('machine-seat-2', 2);
    expect(await deliver(other, [{ seq: 1, itemId: 'J-001', value: 'A', madeAt: 0 }])).toMatchObject({
      ok: false,
      error: { code: 'SESSION_INVALID' },
    });
    expect(stored()).toEqual([]);
  });

  it('refuses a token the server never issued, and one for another sitting', async () => {
    const s = await machine();
    expect(
      await deliver(s, [{ seq: 1, itemId: 'J-001', value: 'A', madeAt: 0 }], {
        sessionToken: 'x'.repeat(43),
      }),
    ).toMatchObject({ ok: false, error: { code: 'SESSION_INVALID' } });
    expect(
      await deliver(s, [{ seq: 1, itemId: 'P-001', value: 'A', madeAt: 0 }], { sittingId: 'S-J-PRAC' }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(stored()).toEqual([]);
  });

  it('refuses the whole batch when an item is not in the paper or an answer does not fit it', async () => {
    const s = await machine();
    expect(
      await deliver(s, [
        { seq: 1, itemId: 'J-001', value: 'A', madeAt: 0 },
        { seq: 2, itemId: 'J-001', value: 'Z', madeAt: 0 },
      ]),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    // The next sitting's item is not in this sitting's paper.
    expect(await deliver(s, [{ seq: 1, itemId: 'P-001', value: 'A', madeAt: 0 }])).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_ITEM' },
    });
    expect(stored()).toEqual([]);
  });

  it('acknowledges only once the commit has returned', async () => {
    const s = await machine();
    const committer = site.server.committer;
    const original = committer.save.bind(committer);
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let reachedCommitter!: () => void;
    const reached = new Promise<void>((r) => {
      reachedCommitter = r;
    });
    committer.save = async (req: SaveRequest) => {
      reachedCommitter();
      await held;
      return original(req);
    };
    let acked = false;
    const reply = deliver(s, [{ seq: 1, itemId: 'J-001', value: 'B', madeAt: 0 }]).then((r) => {
      acked = true;
      return r;
    });
    await reached;
    // Held before the commit: no acknowledgement, and nothing stored yet.
    expect(acked).toBe(false);
    expect(stored()).toEqual([]);
    release();
    expect(await reply).toEqual({ ok: true, value: { ackSeq: 1 } });
    expect(stored()).toHaveLength(1);
    committer.save = original;
  });

  it('stores a re-delivered batch once and acknowledges it again', async () => {
    const s = await machine();
    const batch = [
      { seq: 1, itemId: 'J-001', value: 'A', madeAt: 0 },
      { seq: 2, itemId: 'J-002', value: ['A', 'C'], madeAt: 0 },
    ];
    expect(await deliver(s, batch)).toEqual({ ok: true, value: { ackSeq: 2 } });
    // The acknowledgement was lost with the connection: the client sends the batch again.
    s.disconnect();
    const again = await machine();
    expect(await deliver(again, batch)).toEqual({ ok: true, value: { ackSeq: 2 } });
    expect(stored()).toHaveLength(2);
  });

  it('refuses the leftovers of a session the proctor released by a reset', async () => {
    expect(
      await call(proctor, 'candidate:reset', {
        sittingId: 'S-J-ECON',
        ticketNo: FIRST.ticketNo,
        reason: 'machine froze',
      }),
    ).toMatchObject({ ok: true });
    const s = await machine();
    expect(await deliver(s, [{ seq: 1, itemId: 'J-001', value: 'A', madeAt: 0 }])).toMatchObject({
      ok: false,
      error: { code: 'SESSION_INVALID' },
    });
  });
});

describe('the machine’s next candidate', () => {
  it('logs in on the machine the previous sitting’s candidate handed in on, before and after that sitting ends', async () => {
    site.clock.set(site.juniorStart + 75 * MIN);
    const first = await seatedCandidate(site.url, { roomId: 'R1', seatNo: 1, machineId: MACHINE, ...FIRST });
    sockets.push(first.socket);
    expect(await call(first.socket, 'exam:handIn', { sittingId: 'S-J-ECON' })).toMatchObject({ ok: true });

    // The machine proves its key on a new connection, as the client does on every one.
    const proving = rawSocket(site.url, 'candidate');
    sockets.push(proving);
    await connected(proving);
    expect(
      await approvedMachine(site.url, proving, { roomId: 'R1', seatNo: 1, machineId: MACHINE }),
    ).toMatchObject({
      roomName: '第1考场',
      loginOpen: ['S-J-ECON'],
    });

    // The next sitting's login opens while the first still runs in the room.
    site.clock.set(site.juniorStart + PRACTICE_START_MS - 30 * MIN);
    expect(await call(proctor, 'login:open', { sittingId: 'S-J-PRAC' })).toMatchObject({ ok: true });
    const next = await call<Ack<{ candidate: { ticketNo: string }; sitting: { sittingId: string } }>>(
      first.socket,
      'candidate:login',
      NEXT,
    );
    expect(next).toMatchObject({
      ok: true,
      value: { candidate: { ticketNo: NEXT.ticketNo }, sitting: { sittingId: 'S-J-PRAC' } },
    });
    first.socket.disconnect();

    // After the first sitting ends, on a fresh connection (the client restarted).
    expect(await call(proctor, 'sitting:end', { sittingId: 'S-J-ECON' })).toMatchObject({ ok: true });
    const s = await machine();
    expect(await call(s, 'candidate:login', NEXT)).toMatchObject({ ok: true });
    // And the first candidate's leftovers are still accepted from this machine.
    const leftover = [{ seq: 1, itemId: 'J-003', value: true, madeAt: 0 }];
    expect(await deliver(s, leftover, { sessionToken: first.login.sessionToken })).toEqual({
      ok: true,
      value: { ackSeq: 1 },
    });
  });

  it('shows the proctor the machine a reset released, for that sitting', async () => {
    const s = await machine();
    const snapshot = await call<Ack<{ machines: MachineTile[] }>>(proctor, 'room:subscribe', {});
    expect(
      snapshot.ok &&
        snapshot.value.machines.find((m) => m.machineId === testMachineFingerprint(MACHINE))?.released,
    ).toEqual([]);
    let pushed: MachineTile[] = [];
    proctor.on('room:machines', (p: { machines: MachineTile[] }) => {
      pushed = p.machines;
    });
    expect(
      await call(proctor, 'candidate:reset', {
        sittingId: 'S-J-ECON',
        ticketNo: FIRST.ticketNo,
        reason: 'froze',
      }),
    ).toMatchObject({ ok: true });
    await expect
      .poll(() => pushed.find((m) => m.machineId === testMachineFingerprint(MACHINE))?.released, {
        timeout: 5_000,
      })
      .toEqual([{ sittingId: 'S-J-ECON', ticketNo: FIRST.ticketNo, ticketTail: FIRST.ticketNo.slice(-3) }]);
    s.disconnect();
  });

  it('tells every machine of the room which sittings take logins as they open and end', async () => {
    const s = await machine('machine-seat-2', 2);
    const pushes: string[][] = [];
    s.on('room:loginOpen', (p: { sittingIds: string[] }) => pushes.push(p.sittingIds));
    site.clock.set(site.juniorStart + 90 * MIN);
    await site.server.tick();
    expect(await call(proctor, 'sitting:end', { sittingId: 'S-J-ECON' })).toMatchObject({ ok: true });
    site.clock.set(site.juniorStart + PRACTICE_START_MS - 30 * MIN);
    expect(await call(proctor, 'login:open', { sittingId: 'S-J-PRAC' })).toMatchObject({ ok: true });
    await expect.poll(() => pushes).toEqual([[], ['S-J-PRAC']]);
  });
});
