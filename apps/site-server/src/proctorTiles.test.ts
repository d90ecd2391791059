import { idNumberFor, ticketFor } from '@exam/centre';
import type { Ack, CandidateTile, SaveResult } from '@exam/protocol';
import { call, proctorSocket, seatedCandidate, startTestSite, type TestSite } from '@exam/testkit';
import type { Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const ROOMS = ['R1', 'R2', 'R3'] as const;
const PER_ROOM = 2;
const SITTING = 'S-J-ECON';

let site: TestSite;
let sockets: Socket[] = [];

beforeEach(async () => {
  site = await startTestSite({ rooms: ROOMS.length, perRoom: PER_ROOM });
  sockets = [];
});

afterEach(async () => {
  for (const s of sockets) s.disconnect();
  await site.stop();
});

async function candidate(room: number, seat: number): Promise<Socket> {
  const { socket } = await seatedCandidate(site.url, {
    roomId: `R${room}`,
    seatNo: seat,
    machineId: `machine-${room}-${seat}`,
    ticketNo: ticketFor(room, seat),
    idNumber: idNumberFor((room - 1) * PER_ROOM + seat),
  });
  sockets.push(socket);
  return socket;
}

const save = (s: Socket, seq: number) =>
  call<Ack<SaveResult>>(s, 'answer:save', {
    sittingId: SITTING,
    changes: [{ seq, itemId: 'J-001', value: 'A', madeAt: 0 }],
  });

describe('saves and the proctor tiles', () => {
  it('refuses a save before its room has started and accepts it once the room starts', async () => {
    const proctor = await proctorSocket(site, 'R1');
    sockets.push(proctor);
    await call(proctor, 'login:open', { sittingId: SITTING });
    const s = await candidate(1, 1);
    expect(await save(s, 1)).toMatchObject({ ok: false, error: { code: 'SITTING_NOT_STARTED' } });

    site.clock.set(site.juniorStart);
    expect(await call(proctor, 'sitting:start', { sittingId: SITTING })).toMatchObject({ ok: true });
    expect(await save(s, 1)).toEqual({ ok: true, value: { ackSeq: 1 } });
  });

  it("brings every room's console its own candidates' acknowledged saves, and no other room's", async () => {
    const consoles = new Map<string, Socket>();
    const seen = new Map<string, Map<string, number>>();
    site.clock.set(site.juniorStart);
    for (const roomId of ROOMS) {
      const p = await proctorSocket(site, roomId);
      sockets.push(p);
      consoles.set(roomId, p);
      const tiles = new Map<string, number>();
      seen.set(roomId, tiles);
      p.on('room:tiles', (m: { tiles: CandidateTile[] }) => {
        for (const t of m.tiles) tiles.set(t.ticketNo, t.ackSeq);
      });
      await call(p, 'login:open', { sittingId: SITTING });
    }
    const candidates: { room: number; seat: number; socket: Socket }[] = [];
    for (let room = 1; room <= ROOMS.length; room++) {
      for (let seat = 1; seat <= PER_ROOM; seat++)
        candidates.push({ room, seat, socket: await candidate(room, seat) });
    }
    for (const roomId of ROOMS) await call(consoles.get(roomId)!, 'sitting:start', { sittingId: SITTING });

    // Everyone saves at once, three times: one batch of tile changes across all rooms.
    for (let seq = 1; seq <= 3; seq++) {
      const acks = await Promise.all(candidates.map((c) => save(c.socket, seq)));
      expect(acks.every((a) => a.ok)).toBe(true);
    }

    const deadline = Date.now() + 5000;
    const allSeen = () =>
      candidates.every((c) => seen.get(`R${c.room}`)!.get(ticketFor(c.room, c.seat)) === 3);
    while (!allSeen() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(allSeen()).toBe(true);
    for (const [roomId, tiles] of seen) {
      const room = Number(roomId.slice(1));
      expect([...tiles.keys()].sort()).toEqual(
        Array.from({ length: PER_ROOM }, (_, i) => ticketFor(room, i + 1)).sort(),
      );
    }
  });
});
