import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idNumberFor, ticketFor } from '@exam/centre';
import type { Ack } from '@exam/protocol';
import { call, NetworkLink, proctorSocket, startTestSite, type TestSite, testTrust } from '@exam/testkit';
import type { Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnswerJournal } from '../core/journal.js';
import { machineKeyPathIn } from '../core/machineKey.js';
import { approveMachineKey } from '../e2e/support/approval.js';
import { screenFor } from '../renderer/model/screen.js';
import { CandidateHost } from './candidateHost.js';

/**
 * One test machine (one journal file, one machine id) at seat 1 of room R1 through a day of
 * three sittings, as the notice runs them: 经济基础知识 at 08:30, 专业知识和实务 at 10:40,
 * 高级经济实务 at 14:30, a different candidate in each. Real site server, real host and core,
 * real journal; the network between them is a link the test cuts and heals.
 */
const MIN = 60_000;
/** This machine's identity at the site: its key's fingerprint, approved for R1 seat 1. */
let machine: string;
const FIRST = { ticketNo: ticketFor(1, 1), idNumber: idNumberFor(1), sittingId: 'S-J-ECON' };
const SENIOR = { ticketNo: ticketFor(1, 2), idNumber: idNumberFor(2), sittingId: 'S-SENIOR' };
const SECOND = { ticketNo: ticketFor(1, 3), idNumber: idNumberFor(3), sittingId: 'S-J-PRAC' };
const PRACTICE_START = (90 + 40) * MIN;

let site: TestSite;
let proctor: Socket;
let link: NetworkLink;
let dir: string;
let host: CandidateHost | null = null;

/** The client (re)started on the same journal, as after a power cut or a reboot. */
function startHost(): CandidateHost {
  host?.close();
  host = new CandidateHost({
    core: {
      serverUrl: link.url,
      trust: testTrust(),
      journalPath: join(dir, 'journal.db'),
      roomId: 'R1',
      seatNo: 1,
      clientVersion: '0.1.0',
      monotonicNow: () => site.clock.now(),
      ackTimeoutMs: 2_000,
      drainTimeoutMs: 10_000,
      backoff: { minMs: 20, baseMs: 50, maxMs: 200 },
    },
    machineFacts: () => ({
      os: 'Linux test',
      cpuModel: 'test cpu',
      cpuCores: 2,
      cpuMhz: 1800,
      totalMemoryBytes: 4 * 1024 ** 3,
      freeMemoryBytes: 2 * 1024 ** 3,
      freeDiskBytes: 10 * 1024 ** 3,
      ipAddress: '127.0.0.1',
      clientVersion: '0.1.0',
    }),
  });
  return host;
}

async function until(what: string, predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const screenOf = (h: CandidateHost) => screenFor(h.getState());

async function proctorDoes(event: string, payload: unknown): Promise<void> {
  const r = await call<Ack<unknown>>(proctor, event, payload);
  if (!r.ok) throw new Error(`${event}: ${r.error.code} ${r.error.message}`);
}

/** Login first, then the start at the scheduled time: no sitting starts before it. */
async function startSittingAt(sittingId: string, at: number, h: CandidateHost): Promise<void> {
  site.clock.set(at);
  await proctorDoes('sitting:start', { sittingId });
  await until(`the ${sittingId} paper`, () => h.getPaper() !== null);
}

async function logIn(h: CandidateHost, who: { ticketNo: string; idNumber: string }): Promise<void> {
  await until('a connection', () => h.getState().connection === 'online');
  const r = await h.login(who.ticketNo, who.idNumber);
  if (!r.ok) throw new Error(`login: ${r.error.code} ${r.error.message}`);
  for (const step of [h.confirmLogin(), h.setNoticeRead(true)]) expect(step.ok).toBe(true);
}

function save(h: CandidateHost, itemId: string, value: Parameters<CandidateHost['saveAnswer']>[1]): void {
  const r = h.saveAnswer(itemId, value, false);
  if (!r.ok) throw new Error(`save ${itemId}: ${r.error.code}`);
}

/** What the server stored for one candidate's sitting, one row per sequence. */
function stored(who: { ticketNo: string; sittingId: string }) {
  return (
    site.server.ctx.db
      .prepare(
        `SELECT seq, item_id, value, late_arrival FROM answer_changes
         WHERE ticket_no = ? AND sitting_id = ? ORDER BY seq`,
      )
      .all(who.ticketNo, who.sittingId) as {
      seq: number;
      item_id: string;
      value: string;
      late_arrival: number;
    }[]
  ).map((r) => [r.seq, r.item_id, JSON.parse(r.value), r.late_arrival === 1]);
}

/**
 * Holds the first candidate's deliveries at the server's committer until released, as a
 * slow disk would: the test decides when the commit (and so the acknowledgement) happens.
 */
function holdDeliveriesOf(ticketNo: string): { reached: Promise<void>; release(): void } {
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
  committer.save = async (req: Parameters<typeof original>[0]) => {
    if (req.ticketNo === ticketNo) {
      reachedCommitter();
      await held;
    }
    return original(req);
  };
  return {
    reached,
    release() {
      committer.save = original;
      release();
    },
  };
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'machine-day-'));
  site = await startTestSite({
    rooms: 1,
    perRoom: 1,
    seniorPerRoom: 1,
    seniorFirstSeat: 1,
    practicePerRoom: 1,
  });
  proctor = await proctorSocket(site, 'R1');
  machine = await approveMachineKey(site.url, machineKeyPathIn(dir), { roomId: 'R1', seatNo: 1 });
  link = await NetworkLink.create(site.url);
});

afterEach(async () => {
  host?.close();
  host = null;
  proctor.disconnect();
  await link.close();
  await site.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('one machine through a day of three sittings', () => {
  it('serves three candidates in turn, restarts on the way, and delivers the first sitting’s last change during the second', async () => {
    // 08:00 — the machine is switched on; the header names the room as the server does.
    let h = startHost();
    await until('a connection', () => h.getState().connection === 'online');
    expect(h.getState().machine.roomName).toBe('第1考场');
    expect(screenOf(h)).toBe('login');

    // 08:30, 经济基础知识: the first candidate answers; then the room's switch fails.
    await proctorDoes('login:open', { sittingId: FIRST.sittingId });
    await logIn(h, FIRST);
    await startSittingAt(FIRST.sittingId, site.juniorStart, h);
    save(h, 'J-001', 'A');
    await until('the first answer acknowledged', () => h.getState().pending === 0);
    link.sever();
    await until('the cut noticed', () => h.getState().connection === 'offline');
    site.clock.advance(89 * MIN);
    save(h, 'J-004', 'B'); // on this disk only
    expect(h.getState().pending).toBe(1);

    // 10:00: time is up; the server hands in automatically and the proctor ends the sitting.
    site.clock.set(site.juniorStart + 90 * MIN);
    await site.server.tick();
    await proctorDoes('sitting:end', { sittingId: FIRST.sittingId });
    expect(stored(FIRST)).toEqual([[1, 'J-001', 'A', false]]);

    // 10:10: login opens for 专业知识和实务. The link comes back: the machine learns the first
    // sitting is over, returns to its login screen, and sends the leftover (held at the
    // server's commit for now).
    site.clock.set(site.juniorStart + PRACTICE_START - 30 * MIN);
    await proctorDoes('login:open', { sittingId: SECOND.sittingId });
    const hold = holdDeliveriesOf(FIRST.ticketNo);
    link.heal();
    await hold.reached;
    await until('the login screen', () => screenOf(h) === 'login' && h.getState().connection === 'online');
    expect(h.getState()).toMatchObject({ candidate: null, undelivered: 1 });

    // The next candidate logs in while the delivery is still on its way…
    await logIn(h, SECOND);
    expect(h.getState()).toMatchObject({ phase: 'waiting', undelivered: 1 });
    // …and the client dies mid-delivery. The server commits it; the acknowledgement is lost.
    h.close();
    hold.release();
    await until('the leftover committed', () => stored(FIRST).length === 2);
    h = startHost();
    expect(h.getState()).toMatchObject({
      candidate: { ticketNo: SECOND.ticketNo },
      phase: 'waiting',
      undelivered: 1,
    });
    await until('the leftover acknowledged', () => h.getState().undelivered === 0);
    // Stored once (re-delivery is idempotent), as after the hand-in it arrived after.
    expect(stored(FIRST)).toEqual([
      [1, 'J-001', 'A', false],
      [2, 'J-004', 'B', true],
    ]);

    // 10:40: the second candidate's sitting; then a manual hand-in and a restart on the
    // result screen: the restarted client shows it again until 完成 is pressed.
    await startSittingAt(SECOND.sittingId, site.juniorStart + PRACTICE_START, h);
    save(h, 'P-001', 'C');
    save(h, 'P-002', ['A', 'D']);
    await until('the second candidate’s answers acknowledged', () => h.getState().pending === 0);
    site.clock.advance(75 * MIN);
    expect(await h.handIn()).toMatchObject({ ok: true, value: { kind: 'manual' } });
    expect(screenOf(h)).toBe('end');
    h = startHost();
    expect(screenOf(h)).toBe('end');
    expect(h.getState().handedIn).toMatchObject({ kind: 'manual' });
    await until('a connection', () => h.getState().connection === 'online');
    expect(screenOf(h)).toBe('end');
    expect(h.finish()).toEqual({ ok: true, value: null });
    expect(screenOf(h)).toBe('login');
    expect(h.getState()).toMatchObject({ candidate: null, undelivered: 0, resumed: false });
    await proctorDoes('sitting:end', { sittingId: SECOND.sittingId });
    expect(stored(SECOND)).toEqual([
      [1, 'P-001', 'C', false],
      [2, 'P-002', ['A', 'D'], false],
    ]);

    // 14:30, 高级经济实务: the third candidate, an automatic hand-in at time-up, and the
    // machine back at its login screen by itself when the proctor ends the sitting.
    const seniorStart = site.juniorStart + 6 * 60 * MIN;
    site.clock.set(seniorStart - 30 * MIN);
    await proctorDoes('login:open', { sittingId: SENIOR.sittingId });
    await logIn(h, SENIOR);
    await startSittingAt(SENIOR.sittingId, seniorStart, h);
    save(h, 'S-001', '市场进入以合资方式为宜。');
    await until('the third candidate’s answer acknowledged', () => h.getState().pending === 0);
    site.clock.set(seniorStart + 180 * MIN);
    await site.server.tick();
    await until('the automatic hand-in', () => h.getState().handedIn?.kind === 'auto');
    expect(screenOf(h)).toBe('end');
    await proctorDoes('sitting:end', { sittingId: SENIOR.sittingId });
    await until('the login screen after the end', () => screenOf(h) === 'login');
    expect(stored(SENIOR)).toEqual([[1, 'S-001', '市场进入以合资方式为宜。', false]]);

    // Every candidate's answers are where they belong, each sat on this one machine.
    expect(stored(FIRST)).toHaveLength(2);
    expect(stored(SECOND)).toHaveLength(2);
    const machines = site.server.ctx.db
      .prepare('SELECT DISTINCT machine_id FROM candidate_sittings WHERE machine_id IS NOT NULL')
      .pluck()
      .all();
    expect(machines).toEqual([machine]);

    // Nothing is left on the machine but an empty journal ready for tomorrow.
    h.close();
    host = null;
    const journal = AnswerJournal.open(join(dir, 'journal.db'));
    try {
      expect(journal.loadSession()).toBeNull();
      expect(journal.retiredSessions()).toEqual([]);
      for (const who of [FIRST, SECOND, SENIOR]) expect(journal.currentAnswers(who)).toEqual([]);
      expect(journal.quickCheck()).toBe('ok');
    } finally {
      journal.close();
    }
  });

  it('locks the machine a reset released while that sitting runs, and opens it for the next sitting’s login', async () => {
    const h = startHost();
    await proctorDoes('login:open', { sittingId: FIRST.sittingId });
    await logIn(h, FIRST);
    await startSittingAt(FIRST.sittingId, site.juniorStart, h);
    save(h, 'J-001', 'A');
    await until('the answer acknowledged', () => h.getState().pending === 0);

    site.clock.advance(10 * MIN);
    await proctorDoes('candidate:reset', {
      sittingId: FIRST.sittingId,
      ticketNo: FIRST.ticketNo,
      reason: '考试机死机',
    });
    await until('the locked screen', () => screenOf(h) === 'locked');
    expect(h.getState()).toMatchObject({ candidate: null, revokedReason: '考试机死机' });

    // The next sitting's login opens while the released sitting still runs: still locked.
    site.clock.set(site.juniorStart + PRACTICE_START - 30 * MIN);
    await site.server.tick(); // the released candidate's time is up: handed in automatically
    await proctorDoes('login:open', { sittingId: SECOND.sittingId });
    await until('the machine told', () => h.core.roomLoginOpen().includes(SECOND.sittingId));
    expect(screenOf(h)).toBe('locked');

    // Once it has ended, the machine serves the next sitting.
    await proctorDoes('sitting:end', { sittingId: FIRST.sittingId });
    await until('the login screen', () => screenOf(h) === 'login');
    await logIn(h, SECOND);
    expect(h.getState()).toMatchObject({ candidate: { ticketNo: SECOND.ticketNo }, phase: 'waiting' });
  });

  it('keeps a change through 完成 pressed offline and a restart, and delivers it on the next connection', async () => {
    let h = startHost();
    await proctorDoes('login:open', { sittingId: FIRST.sittingId });
    await logIn(h, FIRST);
    await startSittingAt(FIRST.sittingId, site.juniorStart, h);
    link.sever();
    await until('the cut noticed', () => h.getState().connection === 'offline');
    site.clock.advance(80 * MIN);
    save(h, 'J-007', 'D');
    site.clock.set(site.juniorStart + 90 * MIN);
    await site.server.tick();

    // The link comes back for a moment: the machine learns of the automatic hand-in, but the
    // change it sends is still at the server's commit when the link fails again.
    const hold = holdDeliveriesOf(FIRST.ticketNo);
    link.heal();
    await hold.reached;
    await until('the end screen', () => screenOf(h) === 'end');
    expect(h.getState().handedIn).toMatchObject({ kind: 'auto' });
    link.sever();
    await until('the cut noticed', () => h.getState().connection === 'offline');
    expect(h.getState().pending).toBe(1);

    // 完成, offline: the machine moves on; the change stays on its disk.
    expect(h.finish()).toEqual({ ok: true, value: null });
    expect(screenOf(h)).toBe('login');
    expect(h.getState()).toMatchObject({ undelivered: 1, pending: 0 });
    hold.release();

    h = startHost();
    expect(h.getState()).toMatchObject({ candidate: null, undelivered: 1 });
    link.heal();
    await until('the login screen', () => screenOf(h) === 'login');
    await until('the leftover acknowledged', () => h.getState().undelivered === 0);
    // It reached the site at the end itself, within the clock skew the site allows: in time,
    // not a late arrival (issue 16), and after the automatic hand-in's record.
    expect(stored(FIRST)).toEqual([[1, 'J-007', 'D', false]]);
  });

  it('refuses 完成 while the paper is not handed in', async () => {
    const h = startHost();
    await proctorDoes('login:open', { sittingId: FIRST.sittingId });
    await logIn(h, FIRST);
    expect(h.finish()).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED_NOW' } });
    expect(h.getState()).toMatchObject({ candidate: { ticketNo: FIRST.ticketNo }, phase: 'waiting' });
  });
});
