import { idNumberFor, ticketFor } from '@exam/centre';
import type { Ack, CandidateTile, ReplicaChange, SaveResult } from '@exam/protocol';
import { call, proctorSocket, seatedCandidate, startTestSite, type TestSite } from '@exam/testkit';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';

const SITTING = 'S-J-ECON';
const TICKET = ticketFor(1, 1);
let site: TestSite;
let sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets) s.disconnect();
  await site.stop();
});

/** A started room with one candidate logged in, and what its console has been sent. */
async function startedRoom(tiles: { progressEveryTicks?: number; quietProgressTiles?: number }) {
  site = await startTestSite({ rooms: 1, perRoom: 1, tiles });
  const proctor = await proctorSocket(site, 'R1');
  const acks = new Map<string, number>();
  const lastTiles = new Map<string, CandidateTile>();
  const replica: ReplicaChange[] = [];
  proctor.on('room:tiles', (m: { tiles: CandidateTile[] }) => {
    for (const t of m.tiles) {
      acks.set(t.ticketNo, t.ackSeq);
      lastTiles.set(t.ticketNo, t);
    }
  });
  proctor.on('room:answers', (m: { changes: ReplicaChange[] }) => replica.push(...m.changes));
  await call(proctor, 'login:open', { sittingId: SITTING });
  sockets = [proctor];
  const { socket: candidate } = await seatedCandidate(site.url, {
    roomId: 'R1',
    seatNo: 1,
    machineId: 'machine-1-1',
    ticketNo: TICKET,
    idNumber: idNumberFor(1),
  });
  sockets.push(candidate);
  site.clock.set(site.juniorStart);
  await call(proctor, 'sitting:start', { sittingId: SITTING });
  const save = (seq: number, value: string | null = 'A') =>
    call<Ack<SaveResult>>(candidate, 'answer:save', {
      sittingId: SITTING,
      changes: [{ seq, itemId: 'J-001', value, madeAt: 0 }],
    });
  // A change of state on the candidate's tile, made by the proctor.
  const recordViolation = () =>
    call<Ack<unknown>>(proctor, 'violation:record', {
      sittingId: SITTING,
      ticketNo: TICKET,
      category: 'mark-or-sign',
      description: 'wrote on the desk',
      notified: true,
    });
  return { proctor, acks, tiles: lastTiles, replica, save, recordViolation };
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return check();
}

describe('the proctor tiles’ pace', () => {
  it('shows a save on its tile within a moment while the site is quiet', async () => {
    const room = await startedRoom({});
    expect(await room.save(1)).toEqual({ ok: true, value: { ackSeq: 1 } });
    expect(await until(() => room.acks.get(TICKET) === 1, 5000)).toBe(true);
  });

  it('holds progress-only tiles back in a burst, but not the answers, nor a change of state', async () => {
    // Every tile counts as a burst here, and the slow pace never comes within the test.
    const room = await startedRoom({ quietProgressTiles: 0, progressEveryTicks: 10_000 });
    expect(await room.save(1)).toEqual({ ok: true, value: { ackSeq: 1 } });
    // The answer itself reaches the console's replica straight after the commit...
    expect(await until(() => room.replica.some((c) => c.seq === 1), 5000)).toBe(true);
    // ...while its tile waits, for four flushes and more.
    await new Promise((r) => setTimeout(r, 1000));
    expect(room.acks.get(TICKET) ?? 0).toBe(0);
    // A change of state sends the whole tile at once, progress included.
    expect((await room.recordViolation()).ok).toBe(true);
    expect(await until(() => room.acks.get(TICKET) === 1, 5000)).toBe(true);
  });

  it('shows each save’s progress over what the last change of state put on the tile', async () => {
    const room = await startedRoom({});
    expect(await room.save(1)).toEqual({ ok: true, value: { ackSeq: 1 } });
    expect(await until(() => room.tiles.get(TICKET)?.answered === 1, 5000)).toBe(true);
    expect((await room.recordViolation()).ok).toBe(true);
    expect(await until(() => room.tiles.get(TICKET)?.violations === 1, 5000)).toBe(true);
    // The candidate clears the answer: one item fewer answered, the violation still shown.
    expect(await room.save(2, null)).toEqual({ ok: true, value: { ackSeq: 2 } });
    expect(await until(() => room.acks.get(TICKET) === 2, 5000)).toBe(true);
    expect(room.tiles.get(TICKET)).toMatchObject({
      ackSeq: 2,
      answered: 0,
      violations: 1,
      status: 'answering',
    });
  });
});
