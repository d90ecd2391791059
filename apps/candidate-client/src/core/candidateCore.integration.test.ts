import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idNumberFor, ticketFor } from '@exam/centre';
import type { Ack, AnswerValue, HandedIn } from '@exam/protocol';
import { call, NetworkLink, proctorSocket, startTestSite, type TestSite, testTrust } from '@exam/testkit';
import type { Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approveMachineKey } from '../e2e/support/approval.js';
import { type CandidateCore, createCandidateCore } from './candidateCore.js';
import type { MonotonicSource } from './clock.js';
import { CoreError } from './errors.js';
import { AnswerJournal } from './journal.js';
import { machineKeyPathIn } from './machineKey.js';

/**
 * The core against a real site server over loopback: real SQLite on both sides, real
 * socket.io, a manual server clock the test moves instead of sleeping.
 */
const MIN = 60_000;
const SITTING = 'S-J-ECON';
const TICKET = ticketFor(1, 1);
const ID_NUMBER = idNumberFor(1);

let site: TestSite;
let proctor: Socket;
let dir: string;
let cores: CandidateCore[] = [];

function startCore(
  journalName = 'journal.db',
  monotonicNow?: MonotonicSource,
  serverUrl = site.url,
): CandidateCore {
  const core = createCandidateCore({
    serverUrl,
    trust: testTrust(),
    journalPath: join(dir, journalName),
    roomId: 'R1',
    seatNo: 1,
    clientVersion: '0.1.0',
    // The server's clock is a ManualClock in this process; by default the client's
    // monotonic source follows it, so moving server time moves the client's countdown.
    monotonicNow: monotonicNow ?? (() => site.clock.now()),
    ackTimeoutMs: 2_000,
    drainTimeoutMs: 10_000,
    backoff: { minMs: 20, baseMs: 50, maxMs: 200 },
  });
  cores.push(core);
  return core;
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Connected with nothing left to send. */
function synced(core: CandidateCore): boolean {
  const s = core.status();
  return s.connected && s.pending === 0;
}

async function startSitting(): Promise<void> {
  site.clock.set(site.juniorStart);
  const started = await call<Ack<unknown>>(proctor, 'sitting:start', { sittingId: SITTING });
  if (!started.ok) throw new Error(started.error.message);
}

/** What the server stored for this candidate: one row per (sequence), as received. */
function serverChanges(): { seq: number; item_id: string; value: string; made_at: number }[] {
  return site.server.ctx.db
    .prepare(
      'SELECT seq, item_id, value, made_at FROM answer_changes WHERE ticket_no = ? AND sitting_id = ? ORDER BY seq',
    )
    .all(TICKET, SITTING) as { seq: number; item_id: string; value: string; made_at: number }[];
}

/** Logs in and waits for the paper, which comes with the start command. */
async function loggedInAndStarted(core: CandidateCore): Promise<void> {
  await waitFor('connection', () => core.status().connected);
  await core.login(TICKET, ID_NUMBER);
  const paper = new Promise<void>((resolve) => core.on('paper', () => resolve()));
  await startSitting();
  await paper;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'candidate-core-'));
  site = await startTestSite({ rooms: 1, perRoom: 3 });
  proctor = await proctorSocket(site, 'R1');
  // The machine check of the day before: this machine (its key beside the journals) is approved for R1 seat 1.
  await approveMachineKey(site.url, machineKeyPathIn(dir), { roomId: 'R1', seatNo: 1 });
  site.clock.set(site.juniorStart - 30 * MIN); // login opens 30 minutes before the start
  const opened = await call<Ack<unknown>>(proctor, 'login:open', { sittingId: SITTING });
  if (!opened.ok) throw new Error(opened.error.message);
});

afterEach(async () => {
  for (const c of cores) c.close();
  cores = [];
  proctor.disconnect();
  await site.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('CandidateCore against a real site server', () => {
  it('keeps answering through a minute-long network cut and delivers everything once after', async () => {
    const link = await NetworkLink.create(site.url);
    try {
      const core = startCore('journal.db', undefined, link.url);
      await loggedInAndStarted(core);
      core.saveAnswer('J-001', 'A');
      await waitFor('first ack', () => synced(core));
      link.sever();
      await waitFor('the cut to be noticed', () => !core.status().connected);
      const items = ['J-001', 'J-004', 'J-007', 'J-010'];
      for (let i = 0; i < 20; i++) {
        site.clock.advance(3_000);
        core.saveAnswer(items[i % items.length]!, 'ABCD'[i % 4]!);
      }
      // A minute has passed offline: every change is on this disk, none acknowledged.
      expect(core.status()).toMatchObject({ connected: false, pending: 20, phase: 'answering' });
      link.heal();
      await waitFor('the backlog to drain', () => synced(core));
      expect(serverChanges().map((c) => c.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
      expect(core.status().ackSeq).toBe(21);
    } finally {
      await link.close();
    }
  });

  it('logs in, opens the paper at the start, and has each answer acknowledged', async () => {
    const core = startCore();
    await waitFor('connection', () => core.status().connected);
    const { candidate, sitting } = await core.login(TICKET, ID_NUMBER);
    expect(candidate.ticketNo).toBe(TICKET);
    expect(sitting.phase).toBe('login-open');
    expect(core.status().phase).toBe('waiting');
    expect(core.paper()).toBeNull();

    const paper = new Promise((resolve) => core.on('paper', resolve));
    await startSitting();
    expect(await paper).toMatchObject({ paperId: 'P-J' });
    expect(core.status()).toMatchObject({ phase: 'answering', remainingMs: 90 * MIN });

    const change = core.saveAnswer('J-001', 'B');
    expect(change).toMatchObject({ seq: 1, acked: false });
    const journalled = [change, core.saveAnswer('J-002', ['A', 'C'], true), core.saveAnswer('J-003', true)];
    await waitFor('acks', () => synced(core));
    expect(core.status()).toMatchObject({ ackSeq: 3, pending: 0, lastSyncAt: site.juniorStart });
    expect(serverChanges().map((c) => [c.seq, c.item_id, JSON.parse(c.value)])).toEqual([
      [1, 'J-001', 'B'],
      [2, 'J-002', ['A', 'C']],
      [3, 'J-003', true],
    ]);
    // When each was made, on this machine's estimate of the sitting clock, reaches the site as journalled.
    expect(journalled[0]!.madeAt).toBeGreaterThan(0);
    expect(serverChanges().map((c) => c.made_at)).toEqual(journalled.map((c) => c.madeAt));
  });

  it('refuses an answer that does not fit its item, before journalling it', async () => {
    const core = startCore();
    await loggedInAndStarted(core);
    expect(() => core.saveAnswer('J-001', ['A'])).toThrow(
      expect.objectContaining({ code: 'INVALID_MESSAGE' }),
    );
    expect(() => core.saveAnswer('J-999', 'A')).toThrow(expect.objectContaining({ code: 'UNKNOWN_ITEM' }));
    expect(core.status().pending).toBe(0);
    expect(core.answers()).toEqual([]);
  });

  it('keeps answering through a server outage and delivers every answer exactly once after', async () => {
    const core = startCore();
    await loggedInAndStarted(core);
    core.saveAnswer('J-001', 'A');
    await waitFor('first ack', () => synced(core));

    await site.server.close(); // the site server goes away; its data stays
    await waitFor('disconnect', () => !core.status().connected);
    const offline: [string, AnswerValue][] = [
      ['J-001', 'C'],
      ['J-002', ['B', 'D']],
      ['J-003', false],
      ['J-004', 'D'],
    ];
    for (const [item, value] of offline) core.saveAnswer(item, value);
    expect(core.status()).toMatchObject({ connected: false, pending: 4, ackSeq: 1 });

    await site.restart();
    await waitFor('resync after restart', () => synced(core));
    expect(core.status().ackSeq).toBe(5);
    const stored = serverChanges();
    expect(stored.map((c) => c.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(core.answers().map((a) => [a.itemId, a.value, a.acked])).toEqual([
      ['J-001', 'C', true],
      ['J-002', ['B', 'D'], true],
      ['J-003', false, true],
      ['J-004', 'D', true],
    ]);
  });

  it('sends a large backlog in several batches, in order, with nothing lost', async () => {
    const core = startCore();
    await loggedInAndStarted(core);
    await site.server.close();
    await waitFor('disconnect', () => !core.status().connected);
    const keys = ['A', 'B', 'C', 'D'];
    for (let i = 0; i < 450; i++) core.saveAnswer(`J-${String((i % 10) + 1).padStart(3, '0')}`, null);
    for (let i = 0; i < 10; i++) {
      const id = `J-${String(i + 1).padStart(3, '0')}`;
      core.saveAnswer(id, i % 3 === 2 ? true : i % 3 === 1 ? [keys[i % 4]!] : keys[i % 4]!);
    }
    await site.restart();
    await waitFor('backlog drained', () => synced(core), 20_000);
    expect(core.status().ackSeq).toBe(460);
    // One message in flight at a time, each its own commit: 200 + 200 + 60.
    expect(site.server.committer.batches).toBe(3);
    const stored = serverChanges();
    expect(stored.length).toBe(460);
    expect(stored.map((c) => c.seq)).toEqual(Array.from({ length: 460 }, (_, i) => i + 1));
  });

  it('coalesces answers made while a batch is in flight into the next batch', async () => {
    const core = startCore();
    await loggedInAndStarted(core);
    const before = site.server.committer.batches;
    for (let i = 0; i < 30; i++) core.saveAnswer('J-004', ['A', 'B', 'C', 'D'][i % 4]!);
    await waitFor('acks', () => synced(core));
    expect(core.status().ackSeq).toBe(30);
    // The first change goes alone; the 29 made while it was out go together.
    expect(site.server.committer.batches - before).toBe(2);
  });

  it('re-syncs its clock with the server on every reconnect', async () => {
    let local = 1_000; // a monotonic source unrelated to the server's clock
    const core = startCore('journal.db', () => local);
    await loggedInAndStarted(core);
    expect(core.status().remainingMs).toBe(90 * MIN);
    local += 5 * MIN;
    expect(core.status().remainingMs).toBe(85 * MIN);

    await site.server.close();
    await waitFor('disconnect', () => !core.status().connected);
    site.clock.advance(20 * MIN); // the server's time moves on without the client seeing it
    local += 10 * MIN; // ...and the client's own count has drifted from it
    expect(core.status().remainingMs).toBe(75 * MIN);
    await site.restart();
    await waitFor('reconnect', () => core.status().connected);
    expect(core.status().remainingMs).toBe(70 * MIN);
  });

  it('locks when its session is no longer valid, keeping unsent answers on disk', async () => {
    const first = startCore('first.db');
    await loggedInAndStarted(first);
    await site.server.close();
    await waitFor('disconnect', () => !first.status().connected);
    first.saveAnswer('J-001', 'A');
    first.close();
    await site.restart();

    // Meanwhile the candidate logs in again from another journal on this seat: the first
    // session token is superseded.
    const second = startCore('second.db');
    await waitFor('connection', () => second.status().connected);
    await second.login(TICKET, ID_NUMBER);
    second.close();

    const again = startCore('first.db');
    const revoked = new Promise((resolve) => again.on('revoked', resolve));
    await revoked;
    expect(again.status().phase).toBe('revoked');
    expect(() => again.saveAnswer('J-001', 'B')).toThrow(expect.objectContaining({ code: 'NOT_LOGGED_IN' }));
    again.close();
    const journal = AnswerJournal.open(join(dir, 'first.db'));
    expect(journal.loadSession()).toBeNull();
    expect(journal.unacked({ ticketNo: TICKET, sittingId: SITTING }, 10).map((c) => c.value)).toEqual(['A']);
    journal.close();
  });

  it('resumes after the client restarts mid-sitting and re-sends what was not acknowledged', async () => {
    const first = startCore();
    await loggedInAndStarted(first);
    first.saveAnswer('J-001', 'A');
    await waitFor('first ack', () => synced(first));
    await site.server.close();
    await waitFor('disconnect', () => !first.status().connected);
    first.saveAnswer('J-002', ['A', 'B']);
    first.saveAnswer('J-001', 'D', true);
    first.close(); // the client dies with two answers only on its disk

    const second = startCore();
    // Restored from the journal, never assumed synced: still pending before any contact.
    expect(second.status()).toMatchObject({ connected: false, pending: 2, ackSeq: 1, phase: 'waiting' });
    const paper = new Promise((resolve) => second.on('paper', resolve));
    await site.restart();
    await paper; // the resume brings the key again: it was in memory only
    await waitFor('resent', () => synced(second));
    expect(second.status()).toMatchObject({ phase: 'answering', ackSeq: 3 });
    expect(serverChanges().map((c) => [c.seq, c.item_id])).toEqual([
      [1, 'J-001'],
      [2, 'J-002'],
      [3, 'J-001'],
    ]);
    expect(second.answers().find((a) => a.itemId === 'J-001')).toMatchObject({ value: 'D', flagged: true });
  });

  it('restores every answer the server holds when the journal is lost and the candidate logs in again', async () => {
    const first = startCore('first.db');
    await loggedInAndStarted(first);
    first.saveAnswer('J-001', 'B');
    first.saveAnswer('J-003', true, true);
    await waitFor('acks', () => synced(first));
    first.close();

    const second = startCore('replacement.db'); // same machine, empty disk
    await waitFor('connection', () => second.status().connected);
    const paper = new Promise((resolve) => second.on('paper', resolve));
    await second.login(TICKET, ID_NUMBER);
    await paper;
    expect(second.answers().map((a) => [a.itemId, a.value, a.flagged, a.acked])).toEqual([
      ['J-001', 'B', false, true],
      ['J-003', true, true, true],
    ]);
    expect(second.saveAnswer('J-002', ['C']).seq).toBe(3);
    await waitFor('ack', () => synced(second));
    expect(serverChanges().map((c) => c.seq)).toEqual([1, 2, 3]);
  });

  it('refuses hand-in before the earliest time with that time, then accepts it with the backlog drained', async () => {
    const core = startCore();
    await loggedInAndStarted(core);
    site.clock.advance(75 * MIN - 1_000);
    expect(core.canHandIn()).toBe(false);
    const early = await core.handIn().catch((e: unknown) => e);
    expect(early).toBeInstanceOf(CoreError);
    expect(early).toMatchObject({ code: 'TOO_EARLY', earliestAt: site.juniorStart + 75 * MIN });

    site.clock.advance(1_000);
    expect(core.canHandIn()).toBe(true);
    core.saveAnswer('J-001', 'C');
    const event = new Promise<HandedIn>((resolve) => core.on('handedIn', resolve));
    const handedIn = await core.handIn();
    expect(handedIn).toEqual({ sittingId: SITTING, handedInAt: site.juniorStart + 75 * MIN, kind: 'manual' });
    expect(await event).toEqual(handedIn);
    // The answer made just before was acknowledged before the hand-in, not after it.
    const stored = site.server.ctx.db
      .prepare('SELECT late_arrival FROM answer_changes WHERE ticket_no = ? AND seq = 1')
      .pluck()
      .get(TICKET);
    expect(stored).toBe(0);
    expect(core.status()).toMatchObject({ phase: 'handed-in', handedIn: true, pending: 0 });
    expect(() => core.saveAnswer('J-002', ['A'])).toThrow(
      expect.objectContaining({ code: 'ALREADY_HANDED_IN' }),
    );
  });

  it('learns of the automatic hand-in at the end of time', async () => {
    const core = startCore();
    await loggedInAndStarted(core);
    const event = new Promise<HandedIn>((resolve) => core.on('handedIn', resolve));
    site.clock.advance(90 * MIN);
    await site.server.tick();
    expect(await event).toEqual({
      sittingId: SITTING,
      handedInAt: site.juniorStart + 90 * MIN,
      kind: 'auto',
    });
    expect(core.status()).toMatchObject({ phase: 'handed-in', remainingMs: 0 });
  });

  it('reports a wrong ID number as a typed error and stays signed out', async () => {
    const core = startCore();
    await waitFor('connection', () => core.status().connected);
    // One answer for every failed login reason (issue 16): the proctor sees which it was.
    await expect(core.login(TICKET, idNumberFor(2))).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
    expect(core.status().phase).toBe('signed-out');
  });
});
