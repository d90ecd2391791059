import { join } from 'node:path';
import { idNumberFor, ticketFor } from '@exam/centre';
import type { Ack, SaveResult } from '@exam/protocol';
import { call, proctorSocket, seatedCandidate, startTestSite, type TestSite } from '@exam/testkit';
import Database from 'better-sqlite3';
import type { Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SAVES_IN_FLIGHT } from './answers/handlers.js';

let site: TestSite;
let sockets: Socket[] = [];

beforeEach(async () => {
  site = await startTestSite({ rooms: 1, perRoom: 2 });
  const proctor = await proctorSocket(site, 'R1');
  sockets = [proctor];
  await call(proctor, 'login:open', { sittingId: 'S-J-ECON' });
  site.clock.set(site.juniorStart);
  await call(proctor, 'sitting:start', { sittingId: 'S-J-ECON' });
});

afterEach(async () => {
  for (const s of sockets) s.disconnect();
  await site.stop();
});

async function candidate(machineId = 'machine-1') {
  const seated = await seatedCandidate(site.url, {
    roomId: 'R1',
    seatNo: 1,
    machineId,
    ticketNo: ticketFor(1, 1),
    idNumber: idNumberFor(1),
  });
  sockets.push(seated.socket);
  return seated;
}

const save = (s: Socket, changes: unknown[]) =>
  call<Ack<SaveResult>>(s, 'answer:save', { sittingId: 'S-J-ECON', changes });

function storedChanges() {
  const db = new Database(join(site.dataDir, 'site.db'), { readonly: true });
  try {
    return db.prepare('SELECT seq, item_id, value FROM answer_changes ORDER BY seq').all();
  } finally {
    db.close();
  }
}

describe('answer saves', () => {
  it('acknowledges only the highest contiguous sequence when saves arrive out of order', async () => {
    const { socket } = await candidate();
    expect(await save(socket, [{ seq: 2, itemId: 'J-001', value: 'B', madeAt: 0 }])).toEqual({
      ok: true,
      value: { ackSeq: 0 },
    });
    expect(await save(socket, [{ seq: 4, itemId: 'J-004', value: 'C', madeAt: 0 }])).toEqual({
      ok: true,
      value: { ackSeq: 0 },
    });
    expect(await save(socket, [{ seq: 1, itemId: 'J-001', value: 'A', madeAt: 0 }])).toEqual({
      ok: true,
      value: { ackSeq: 2 },
    });
    expect(await save(socket, [{ seq: 3, itemId: 'J-003', value: false, madeAt: 0 }])).toEqual({
      ok: true,
      value: { ackSeq: 4 },
    });
  });

  it('applies duplicate saves once and keeps the latest answer by sequence, not arrival', async () => {
    const { socket } = await candidate();
    const batch = [
      { seq: 1, itemId: 'J-001', value: 'A', madeAt: 0 },
      { seq: 2, itemId: 'J-001', value: 'C', madeAt: 0 },
    ];
    await save(socket, batch);
    await save(socket, batch);
    await save(socket, [{ seq: 1, itemId: 'J-001', value: 'D', madeAt: 0 }]);
    expect(storedChanges()).toEqual([
      { seq: 1, item_id: 'J-001', value: '"A"' },
      { seq: 2, item_id: 'J-001', value: '"C"' },
    ]);
    // A candidate who comes back gets the answer of the highest sequence.
    socket.disconnect();
    const again = await candidate();
    expect(again.login.answers).toEqual([{ itemId: 'J-001', value: 'C', flagged: false, seq: 2 }]);
    expect(again.login.ackSeq).toBe(2);
  });

  it('refuses an answer that does not fit its item, storing nothing of the batch', async () => {
    const { socket } = await candidate();
    const r = await save(socket, [
      { seq: 1, itemId: 'J-001', value: 'A', madeAt: 0 },
      { seq: 2, itemId: 'J-001', value: 'Z', madeAt: 0 },
    ]);
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    expect(await save(socket, [{ seq: 1, itemId: 'NOPE', value: 'A', madeAt: 0 }])).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_ITEM' },
    });
    expect(storedChanges()).toEqual([]);
  });

  it('groups concurrent saves into shared commits and acknowledges each', async () => {
    const { socket } = await candidate();
    const before = site.server.committer.batches;
    const results = await Promise.all(
      Array.from({ length: MAX_SAVES_IN_FLIGHT }, (_, i) =>
        save(socket, [{ seq: i + 1, itemId: 'J-001', value: 'A', madeAt: 0 }]),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(Math.max(...results.map((r) => (r.ok ? r.value.ackSeq : 0)))).toBe(MAX_SAVES_IN_FLIGHT);
    expect(site.server.committer.batches - before).toBeLessThan(MAX_SAVES_IN_FLIGHT);
  });

  it('refuses a flood of saves from one machine past the in-flight limit, and stores what it acknowledged', async () => {
    const { socket } = await candidate();
    const change = (seq: number) => ({ seq, itemId: 'J-001', value: 'ABCD'[seq % 4]!, madeAt: 0 });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => save(socket, [change(i + 1)])));
    const refused = results.flatMap((r, i) => (r.ok ? [] : [{ seq: i + 1, code: r.error.code }]));
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused.map((r) => r.code))).toEqual(new Set(['RATE_LIMITED']));
    const accepted = results.flatMap((r, i) => (r.ok ? [i + 1] : []));
    expect(accepted.length).toBeGreaterThanOrEqual(MAX_SAVES_IN_FLIGHT);
    expect(storedChanges().map((c) => (c as { seq: number }).seq)).toEqual(accepted);
    // A client that sends the refused ones again, one at a time as the real one does, loses nothing.
    let last: Ack<SaveResult> | null = null;
    for (const { seq } of refused) last = await save(socket, [change(seq)]);
    expect(last).toEqual({ ok: true, value: { ackSeq: 100 } });
    expect(storedChanges()).toHaveLength(100);
  });
});
