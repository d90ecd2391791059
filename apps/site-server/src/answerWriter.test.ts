import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idNumberFor, ticketFor } from '@exam/centre';
import type { Ack, HandedIn, SaveResult } from '@exam/protocol';
import { call, proctorSocket, seatedCandidate, startTestSite, type TestSite } from '@exam/testkit';
import Database from 'better-sqlite3';
import pino from 'pino';
import type { Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SAVES_IN_FLIGHT } from './answers/handlers.js';
import { AnswerWriterThread } from './answers/writerThread.js';

const MIN = 60_000;
const SITTING = 'S-J-ECON';
let site: TestSite;
let sockets: Socket[] = [];

beforeEach(async () => {
  site = await startTestSite({ rooms: 1, perRoom: 8 });
  const proctor = await proctorSocket(site, 'R1');
  sockets = [proctor];
  await call(proctor, 'login:open', { sittingId: SITTING });
  site.clock.set(site.juniorStart);
  await call(proctor, 'sitting:start', { sittingId: SITTING });
});

afterEach(async () => {
  for (const s of sockets) s.disconnect();
  await site.stop();
});

async function seated(seat: number) {
  const { socket } = await seatedCandidate(site.url, {
    roomId: 'R1',
    seatNo: seat,
    machineId: `machine-${seat}`,
    ticketNo: ticketFor(1, seat),
    idNumber: idNumberFor(seat),
  });
  sockets.push(socket);
  return socket;
}

const change = (seq: number) => ({ seq, itemId: 'J-001', value: seq % 2 ? 'A' : 'B', madeAt: 0 });

function readSiteDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(join(site.dataDir, 'site.db'), { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

describe('answers written on their own thread', () => {
  it('records a hand-in after exactly the saves that reached the server before it', async () => {
    const socket = await seated(1);
    site.clock.advance(80 * MIN);
    // Sent back to back on one connection, none waiting for the one before.
    const before = call<Ack<SaveResult>>(socket, 'answer:save', { sittingId: SITTING, changes: [change(1)] });
    const handIn = call<Ack<HandedIn>>(socket, 'exam:handIn', { sittingId: SITTING });
    const after = call<Ack<SaveResult>>(socket, 'answer:save', { sittingId: SITTING, changes: [change(2)] });
    expect(await before).toEqual({ ok: true, value: { ackSeq: 1 } });
    expect(await handIn).toMatchObject({ ok: true, value: { kind: 'manual' } });
    // After the hand-in, from a machine that stayed connected: refused, never stored (issue 16).
    expect(await after).toMatchObject({ ok: false, error: { code: 'HANDED_IN' } });
    expect(
      readSiteDb((db) => db.prepare('SELECT seq, late_arrival FROM answer_changes ORDER BY seq').all()),
    ).toEqual([{ seq: 1, late_arrival: 0 }]);
  });

  it('lets the server’s other writes take turns with a stream of saves, none refused as busy', async () => {
    const candidates = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(seated));
    // As many as one machine may have waiting at once (more are refused as a flood).
    const savesEach = MAX_SAVES_IN_FLIGHT;
    const alertsEach = 15;
    const replies = await Promise.all(
      candidates.flatMap((s, i) => [
        ...Array.from({ length: savesEach }, (_, k) =>
          call<Ack<unknown>>(s, 'answer:save', { sittingId: SITTING, changes: [change(k + 1)] }),
        ),
        // Each alert is an audit event: a read of the chain's head, then two inserts.
        ...Array.from({ length: alertsEach }, (_, k) =>
          call<Ack<unknown>>(s, 'client:alert', { kind: 'focus-lost', detail: `${i}/${k}` }),
        ),
      ]),
    );
    const failures = replies.filter((r) => !r.ok);
    expect(failures).toEqual([]);
    const stored = readSiteDb((db) => ({
      changes: db.prepare('SELECT count(*) FROM answer_changes').pluck().get(),
      acked: db.prepare('SELECT sum(ack_seq) FROM candidate_sittings').pluck().get(),
      alerts: db.prepare("SELECT count(*) FROM audit_events WHERE action = 'client.alert'").pluck().get(),
    }));
    expect(stored).toEqual({
      changes: 8 * savesEach,
      acked: 8 * savesEach,
      alerts: 8 * alertsEach,
    });
  });
});

describe('the answer writer thread', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'writer-thread-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fails each batch with the reason when it cannot open the database, without spinning', async () => {
    const writer = new AnswerWriterThread(join(dir, 'missing.db'), pino({ level: 'silent' }));
    const save = { roomId: 'R1', ticketNo: 'T', sittingId: 'S', changes: [] };
    await expect(writer.write([save], 1)).rejects.toThrow(/answer writer stopped/);
    // The next batch tries a fresh thread, and fails the same way instead of hanging.
    await expect(writer.write([save], 2)).rejects.toThrow(/answer writer stopped/);
    await writer.close();
  });
});
