import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idNumberFor, ticketFor } from '@exam/centre';
import type { Ack, LoginResult, SaveResult } from '@exam/protocol';
import { approvedMachine, call, connected, startTestSite, type TestSite } from '@exam/testkit';
import Database from 'better-sqlite3';
import type { Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProctorCore } from './proctorCore.js';
import { candidateSocket, until } from './replica/testSupport.js';
import type { RoomReplica } from './replica.js';

const SITTING = 'S-J-ECON';
const ITEMS = ['J-001', 'J-004', 'J-007', 'J-010'];

let site: TestSite;
let dir: string;
let sockets: Socket[] = [];
let cores: ProctorCore[] = [];

beforeEach(async () => {
  site = await startTestSite({ rooms: 1, perRoom: 3 });
  dir = mkdtempSync(join(tmpdir(), 'replica-live-'));
});

afterEach(async () => {
  for (const c of cores) c.close();
  for (const s of sockets) s.disconnect();
  cores = [];
  sockets = [];
  await site.stop();
  rmSync(dir, { recursive: true, force: true });
});

function follow(): ProctorCore {
  const core = new ProctorCore({
    serverUrl: site.url,
    siteId: 'SITE-T',
    centreRootPem: site.trust.centreRootPem,
    roomId: 'R1',
    key: site.pki.proctors.get('R1')!,
    replicaPath: join(dir, 'R1.replica.db'),
  });
  cores.push(core);
  return core;
}

async function startSitting(core: ProctorCore): Promise<void> {
  await core.ready();
  await core.openLogin(SITTING);
  site.clock.set(site.juniorStart);
  await core.start(SITTING);
}

interface Candidate {
  ticketNo: string;
  socket: Socket;
  nextSeq: number;
  acked: number;
}

async function candidate(seat: number): Promise<Candidate> {
  const socket = candidateSocket(site.url);
  sockets.push(socket);
  await connected(socket);
  await approvedMachine(site.url, socket, { roomId: 'R1', seatNo: seat, machineId: `machine-${seat}` });
  const r = await call<Ack<LoginResult>>(socket, 'candidate:login', {
    ticketNo: ticketFor(1, seat),
    idNumber: idNumberFor(seat),
  });
  if (!r.ok) throw new Error(r.error.message);
  return { ticketNo: ticketFor(1, seat), socket, nextSeq: 1, acked: 0 };
}

/** `batches` saves of 1..3 changes each, one after another, as a client sends them. */
async function saveBatches(c: Candidate, batches: number): Promise<void> {
  for (let b = 0; b < batches; b++) {
    const changes = Array.from({ length: 1 + (b % 3) }, () => {
      const seq = c.nextSeq++;
      return {
        seq,
        itemId: ITEMS[seq % ITEMS.length],
        value: 'ABCD'[seq % 4],
        flagged: seq % 5 === 0,
        madeAt: 60_000 + seq,
      };
    });
    const r = await call<Ack<SaveResult>>(c.socket, 'answer:save', { sittingId: SITTING, changes });
    if (!r.ok) throw new Error(r.error.message);
    c.acked = r.value.ackSeq;
  }
}

type Row = [
  ticketNo: string,
  sittingId: string,
  seq: number,
  itemId: string,
  value: string,
  flagged: number,
  madeAt: number,
  receivedAt: number,
];

function serverRows(): Row[] {
  const db = new Database(join(site.dataDir, 'site.db'), { readonly: true });
  try {
    return db
      .prepare(
        `SELECT ticket_no, sitting_id, seq, item_id, value, flagged, made_at, received_at FROM answer_changes
         ORDER BY sitting_id, ticket_no, seq`,
      )
      .raw()
      .all() as Row[];
  } finally {
    db.close();
  }
}

function replicaRows(replica: RoomReplica): Row[] {
  return replica
    .changes()
    .map((c) => [
      c.ticketNo,
      c.sittingId,
      c.seq,
      c.itemId,
      JSON.stringify(c.value),
      c.flagged ? 1 : 0,
      c.madeAt,
      c.receivedAt,
    ]);
}

describe('room replica following a live room', () => {
  it('receives every acknowledged answer of the room, exactly as the server committed it', async () => {
    const core = follow();
    await startSitting(core);
    const candidates = await Promise.all([1, 2, 3].map(candidate));
    await Promise.all(candidates.map((c) => saveBatches(c, 6)));
    for (const c of candidates) expect(c.acked).toBe(c.nextSeq - 1);

    const server = serverRows();
    expect(server).toHaveLength(3 * 12);
    const replica = core.replica!;
    // No reconnect happened after the saves, so only the room:answers pushes can fill it.
    await until(() => replica.countChanges() >= server.length);
    expect(replicaRows(replica)).toEqual(server);

    const current = new Database(join(site.dataDir, 'site.db'), { readonly: true });
    const serverCurrent = current
      .prepare(
        // The server's current answers: each item's highest stored sequence.
        `SELECT item_id AS itemId, value, flagged, max(seq) AS seq FROM answer_changes
         WHERE ticket_no = ? AND sitting_id = ? GROUP BY item_id ORDER BY item_id`,
      )
      .all(candidates[0]!.ticketNo, SITTING) as {
      itemId: string;
      value: string;
      flagged: number;
      seq: number;
    }[];
    current.close();
    expect(replica.latestAnswers(SITTING, candidates[0]!.ticketNo)).toEqual(
      serverCurrent.map((r) => ({ ...r, value: JSON.parse(r.value), flagged: r.flagged === 1 })),
    );

    // The room picture is kept too: the started sitting and the candidates' tiles.
    await until(() => replica.snapshot()?.sittings[0]?.startedAt !== null);
    const picture = replica.snapshot()!;
    expect(picture.roomId).toBe('R1');
    expect(picture.sittings[0]).toMatchObject({ sittingId: SITTING, startedAt: site.juniorStart });
    expect(picture.candidates.map((t) => t.ticketNo).sort()).toEqual(
      candidates.map((c) => c.ticketNo).sort(),
    );
  });

  it('survives a console restart and pulls what it missed while it was down', async () => {
    const first = follow();
    await startSitting(first);
    const candidates = await Promise.all([1, 2, 3].map(candidate));
    await Promise.all(candidates.map((c) => saveBatches(c, 2)));
    await until(() => first.replica!.countChanges() >= serverRows().length);
    const heldBefore = first.replica!.countChanges();
    expect(heldBefore).toBe(3 * 3);
    first.close();

    // Saved while no console follows the room: no push reaches anyone.
    await Promise.all(candidates.map((c) => saveBatches(c, 3)));
    const second = follow();
    // Read from disk before the new console has even connected.
    expect(second.replica!.countChanges()).toBe(heldBefore);
    // And candidates keep saving while it connects and pulls.
    const during = Promise.all(candidates.map((c) => saveBatches(c, 3)));
    await second.ready();
    await during;

    const server = serverRows();
    expect(server).toHaveLength(3 * 15);
    await until(() => second.replica!.countChanges() >= server.length);
    expect(replicaRows(second.replica!)).toEqual(server);
    expect(second.replica!.have(SITTING)).toEqual(
      Object.fromEntries(candidates.map((c) => [c.ticketNo, 15])),
    );
  });
});
