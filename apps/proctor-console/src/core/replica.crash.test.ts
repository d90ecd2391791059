import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idNumberFor, ticketFor } from '@exam/centre';
import { decryptPackageV2, verifyPackageV2 } from '@exam/crypto';
import type { Ack, LoginResult } from '@exam/protocol';
import {
  type AnswerWriter,
  approvedMachine,
  type ChildSite,
  call,
  connected,
  killHard,
  START_REASON,
  spawnSiteWithExam,
  writeUntilDropped,
} from '@exam/testkit';
import Database from 'better-sqlite3';
import type { Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { ProctorCore } from './proctorCore.js';
import { candidateSocket, until } from './replica/testSupport.js';
import type { ReplicaBackup } from './replica.js';

const SITTING = 'S-J-ECON';
const dir = mkdtempSync(join(tmpdir(), 'replica-crash-'));
const replicaPath = join(dir, 'R1.replica.db');
let site: ChildSite | null = null;
let core: ProctorCore | null = null;
const sockets: Socket[] = [];

afterAll(async () => {
  core?.close();
  for (const s of sockets) s.disconnect();
  if (site) await killHard(site);
  rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 of the site server mid-sitting', () => {
  it('leaves every answer the candidates got an acknowledgement for in the console replica', async () => {
    const spawned = await spawnSiteWithExam(dir);
    const pki = spawned.pki;
    site = spawned.site;

    const key = pki.proctors.get('R1')!;
    core = new ProctorCore({
      serverUrl: site.url,
      siteId: 'SITE-T',
      centreRootPem: spawned.pki.centre.certPem,
      roomId: 'R1',
      key,
      replicaPath,
    });
    await core.ready();
    await core.openLogin(SITTING);

    const writers: AnswerWriter[] = [];
    for (let seat = 1; seat <= 6; seat++) {
      const socket = candidateSocket(site.url);
      sockets.push(socket);
      await connected(socket);
      await approvedMachine(site.url, socket, {
        roomId: 'R1',
        seatNo: seat,
        machineId: `machine-crash-${seat}`,
      });
      const r = await call<Ack<LoginResult>>(socket, 'candidate:login', {
        ticketNo: ticketFor(1, seat),
        idNumber: idNumberFor(seat),
      });
      if (!r.ok) throw new Error(r.error.message);
      writers.push({ ticketNo: ticketFor(1, seat), nextSeq: 1, acked: 0, socket });
    }
    await core.start(SITTING, { reason: START_REASON });

    const running = writers.map((w) => writeUntilDropped(w, SITTING));
    // Kill once every writer has had a few saves acknowledged: a state, not a time, since a
    // busy machine may take seconds to get there (a fixed 700 ms once left too few acks).
    const deadline = Date.now() + 30_000;
    while (writers.some((w) => w.acked < 3) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await killHard(site);
    site = null;
    await Promise.all(running);
    expect(writers.reduce((n, w) => n + w.acked, 0)).toBeGreaterThan(6);

    // The server pushes a commit to the consoles before it acknowledges it, so on loopback
    // every acknowledged change is already on its way; the short, bounded wait is for the
    // console to process what it has received. The window that remains: a push still in
    // flight (sent, not yet read by the console) when the server dies, on a network that
    // drops it. Such a change was committed with synchronous=FULL, so it is also on the
    // server's disk, and the console pulls it at its next connect.
    const replica = core.replica!;
    const holdsAllAcked = () => {
      const held = replica.heldThrough(SITTING);
      return writers.every((w) => (held[w.ticketNo] ?? 0) >= w.acked);
    };
    await until(holdsAllAcked, 10_000);
    const held = replica.heldThrough(SITTING);
    for (const w of writers) expect(held[w.ticketNo] ?? 0).toBeGreaterThanOrEqual(w.acked);

    // Nothing in the replica that the server did not commit: each change matches its disk.
    const serverDb = new Database(join(dir, 'data', 'site.db'), { readonly: true });
    const stored = serverDb.prepare(
      'SELECT item_id, value FROM answer_changes WHERE ticket_no = ? AND sitting_id = ? AND seq = ?',
    );
    for (const c of replica.changes()) {
      expect(stored.get(c.ticketNo, c.sittingId, c.seq)).toEqual({
        item_id: c.itemId,
        value: JSON.stringify(c.value),
      });
    }
    serverDb.close();

    // With the server gone, the console can still hand its room over as a backup.
    const verified = verifyPackageV2(
      replica.exportBackup({
        signerCertPem: key.certPem,
        signerPrivateKeyPem: key.privateKeyPem,
        recipientCertPems: [pki.province.certPem, pki.centre.certPem],
      }),
      {
        expectedKind: 'backup',
        signer: 'certificate',
        trustedRootPem: pki.centre.certPem,
        allowedSignerRoles: ['proctor'],
      },
    );
    const payload = decryptPackageV2(verified, { kind: 'certificate', ...pki.province });
    const backup = JSON.parse(payload.toString('utf8')) as ReplicaBackup;
    for (const w of writers) {
      const seqs = backup.changes.filter((c) => c.ticketNo === w.ticketNo).map((c) => c.seq);
      expect(seqs.slice(0, w.acked)).toEqual(Array.from({ length: w.acked }, (_, i) => i + 1));
    }

    core.close();
    core = null;
    const file = new Database(replicaPath, { readonly: true });
    expect(file.pragma('quick_check', { simple: true })).toBe('ok');
    file.close();
  });
});
