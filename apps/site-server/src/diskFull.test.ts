import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idNumberFor, ticketFor } from '@exam/centre';
import type { Ack, SaveResult } from '@exam/protocol';
import { call, proctorSocket, seatedCandidate, siteFetch, startTestSite, type TestSite } from '@exam/testkit';
import Database from 'better-sqlite3';
import type { Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The site server's data directory on a small tmpfs that is then filled. Mounting needs
 * root (CAP_SYS_ADMIN); where it is not permitted the test is skipped and says why.
 */
const mountPoint = mkdtempSync(join(tmpdir(), 'site-full-'));
let mountError: string | null = null;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=700', 'tmpfs', mountPoint], { stdio: 'pipe' });
} catch (e) {
  mountError = e instanceof Error ? e.message.split('\n')[0]! : String(e);
  console.warn(`disk-full test skipped: cannot mount a tmpfs here (${mountError})`);
}

let site: TestSite | null = null;
const sockets: Socket[] = [];

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await site?.stop({ keepData: true });
  if (!mountError) execFileSync('umount', ['-l', mountPoint]);
  rmdirSync(mountPoint);
});

/** Fills the filesystem to the last byte; returns the filler's path so it can be removed. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    // Bounded: a 4 MB tmpfs takes at most 64 full chunks; then smaller writes take the rest.
    for (let size = chunk.length; size >= 1; size = Math.floor(size / 2)) {
      for (let i = 0; i < 1000; i++) {
        try {
          writeSync(fd, chunk, 0, size);
        } catch {
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

const LONG = '经济学是研究稀缺资源配置的学科。'.repeat(120); // ~1,900 characters, under maxChars 2000

describe.skipIf(mountError !== null)('a full disk under the site server', () => {
  it('refuses saves with STORAGE_FULL, stays up, keeps what it stored intact, and recovers when space returns', async () => {
    const dataDir = join(mountPoint, 'data');
    site = await startTestSite({ rooms: 1, perRoom: 1, seniorPerRoom: 1, dataDir });
    const proctor = await proctorSocket(site, 'R1');
    sockets.push(proctor);
    // The senior sitting (long text answers) is the one that fills a disk.
    site.clock.set(Date.parse('2021-10-23T06:30:00Z') - 20 * 60_000);
    await call(proctor, 'login:open', { sittingId: 'S-SENIOR' });
    const { socket: s, login } = await seatedCandidate(site.url, {
      roomId: 'R1',
      seatNo: 2,
      machineId: 'machine-full-2',
      ticketNo: ticketFor(1, 2),
      idNumber: idNumberFor(2),
    });
    sockets.push(s);
    expect(login.candidate.ticketNo).toBe(ticketFor(1, 2));
    site.clock.set(Date.parse('2021-10-23T06:30:00Z'));
    expect(await call(proctor, 'sitting:start', { sittingId: 'S-SENIOR' })).toMatchObject({ ok: true });

    const save = (seq: number) =>
      call<Ack<SaveResult>>(s, 'answer:save', {
        sittingId: 'S-SENIOR',
        changes: [{ seq, itemId: seq % 2 ? 'S-001' : 'S-002', value: `${seq}:${LONG}`, madeAt: 0 }],
      });
    for (let seq = 1; seq <= 20; seq++) expect(await save(seq)).toEqual({ ok: true, value: { ackSeq: seq } });

    const filler = fill(mountPoint);
    // The WAL may still have room in pages it already holds; keep saving until the disk bites.
    let seq = 21;
    let refused: Ack<SaveResult> | null = null;
    let acked = 20;
    for (; seq <= 2000; seq++) {
      const r = await save(seq);
      if (!r.ok) {
        refused = r;
        break;
      }
      acked = r.value.ackSeq;
    }
    expect(refused).toMatchObject({ ok: false, error: { code: 'STORAGE_FULL' } });

    // Still up: other requests are answered, and another save gets the same clear refusal.
    expect((await siteFetch(`${site.url}/api/health`)).status).toBe(200);
    expect(await call(s, 'time:sync', {})).toMatchObject({ ok: true });
    expect(await save(seq)).toMatchObject({ ok: false, error: { code: 'STORAGE_FULL' } });

    // What was acknowledged is intact.
    const db = new Database(join(dataDir, 'site.db'), { readonly: true });
    try {
      expect(db.pragma('quick_check', { simple: true })).toBe('ok');
      const stored = db
        .prepare(
          "SELECT seq, value FROM answer_changes WHERE ticket_no = ? AND sitting_id = 'S-SENIOR' ORDER BY seq",
        )
        .all(ticketFor(1, 2)) as { seq: number; value: string }[];
      expect(stored.map((r) => r.seq)).toEqual(Array.from({ length: acked }, (_, i) => i + 1));
      for (const r of stored) expect(JSON.parse(r.value)).toBe(`${r.seq}:${LONG}`);
    } finally {
      db.close();
    }

    // Space comes back: the refused save goes through, nothing was lost in between.
    unlinkSync(filler);
    expect(await save(seq)).toEqual({ ok: true, value: { ackSeq: seq } });
    expect(site.server.ctx.db.pragma('quick_check', { simple: true })).toBe('ok');
  }, 60_000);
});
