import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idNumberFor, ticketFor } from '@exam/centre';
import type { Ack, LoginResult, SaveResult } from '@exam/protocol';
import {
  type AnswerWriter,
  approvedMachine,
  type ChildSite,
  call,
  connected,
  killHard,
  rawSocket,
  START_REASON,
  signedInProctorSocket,
  spawnSiteServer,
  spawnSiteWithExam,
  testTrust,
  writerChange,
  writeUntilDropped,
} from '@exam/testkit';
import Database from 'better-sqlite3';
import type { Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'site-crash-'));
const dataDir = join(dir, 'data');
const identityDir = join(dir, 'identity');
let site: ChildSite | null = null;
const sockets: Socket[] = [];

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  if (site) await killHard(site);
  rmSync(dir, { recursive: true, force: true });
});

interface Writer extends AnswerWriter {
  machineId: string;
  token: string;
}

describe('kill -9 of the site server mid-sitting', () => {
  it('keeps every acknowledged answer and lets clients resume without loss', async () => {
    const spawned = await spawnSiteWithExam(dir);
    const pki = spawned.pki;
    site = spawned.site;
    const port = Number(new URL(site.url).port);

    const proctor = await signedInProctorSocket(site.url, testTrust(), pki.proctors.get('R1')!, 'R1');
    sockets.push(proctor);
    await call(proctor, 'login:open', { sittingId: 'S-J-ECON' });

    const writers: Writer[] = [];
    for (let seat = 1; seat <= 6; seat++) {
      const socket = rawSocket(site.url, 'candidate');
      sockets.push(socket);
      await connected(socket);
      const machineId = `machine-crash-${seat}`;
      await approvedMachine(site.url, socket, { roomId: 'R1', seatNo: seat, machineId });
      const r = await call<Ack<LoginResult>>(socket, 'candidate:login', {
        ticketNo: ticketFor(1, seat),
        idNumber: idNumberFor(seat),
      });
      if (!r.ok) throw new Error(r.error.message);
      writers.push({
        ticketNo: ticketFor(1, seat),
        machineId,
        token: r.value.sessionToken,
        nextSeq: 1,
        acked: 0,
        socket,
      });
    }
    const start = { sittingId: 'S-J-ECON', reason: START_REASON };
    expect((await call<Ack<unknown>>(proctor, 'sitting:start', start)).ok).toBe(true);

    const running = writers.map((w) => writeUntilDropped(w, 'S-J-ECON'));
    // Kill once every writer has had a few saves acknowledged: a state, not a time, since a
    // busy machine may take seconds to get there (a fixed 700 ms once left too few acks).
    const deadline = Date.now() + 30_000;
    while (writers.some((w) => w.acked < 3) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await killHard(site);
    await Promise.all(running);
    const ackedTotal = writers.reduce((n, w) => n + w.acked, 0);
    expect(ackedTotal).toBeGreaterThan(6);

    // Every acknowledged answer is on disk, and the database is intact.
    const db = new Database(join(dataDir, 'site.db'), { readonly: true });
    expect(db.pragma('quick_check', { simple: true })).toBe('ok');
    for (const w of writers) {
      const seqs = db
        .prepare(
          "SELECT seq FROM answer_changes WHERE ticket_no = ? AND sitting_id = 'S-J-ECON' ORDER BY seq",
        )
        .pluck()
        .all(w.ticketNo) as number[];
      expect(seqs.slice(0, w.acked)).toEqual(Array.from({ length: w.acked }, (_, i) => i + 1));
    }
    db.close();

    // The server comes back on the same port; each client resumes and re-sends what was not acked.
    site = await spawnSiteServer(dataDir, identityDir, port);
    for (const w of writers) {
      const socket = rawSocket(site.url, 'candidate');
      sockets.push(socket);
      await connected(socket);
      await approvedMachine(site.url, socket, {
        roomId: 'R1',
        seatNo: Number(w.ticketNo.slice(-1)),
        machineId: w.machineId,
      });
      const resumed = await call<Ack<LoginResult>>(socket, 'candidate:resume', { sessionToken: w.token });
      if (!resumed.ok) throw new Error(resumed.error.message);
      expect(resumed.value.ackSeq).toBeGreaterThanOrEqual(w.acked);
      const missing = Array.from(
        { length: w.nextSeq - 1 - resumed.value.ackSeq },
        (_, i) => resumed.value.ackSeq + i + 1,
      );
      const changes = [...missing, w.nextSeq].map(writerChange);
      const r = await call<Ack<SaveResult>>(socket, 'answer:save', { sittingId: 'S-J-ECON', changes });
      expect(r).toEqual({ ok: true, value: { ackSeq: w.nextSeq } });
    }
  });
});
