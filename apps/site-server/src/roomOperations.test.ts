import { idNumberFor, ticketFor } from '@exam/centre';
import { issueApprovalCode } from '@exam/crypto';
import { siteLocalDate } from '@exam/domain';
import type {
  Ack,
  CandidateDetail,
  CandidateTile,
  EndChecklist,
  ExtendResult,
  LoginResult,
  Notice,
  NoticeAcknowledged,
  RoomSnapshot,
  SittingView,
} from '@exam/protocol';
import {
  approvedMachine,
  call,
  connected,
  proctorSocket,
  rawSocket,
  startTestSite,
  type TestSite,
} from '@exam/testkit';
import type { Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectionLostAt } from './candidates/handIn.js';

const MIN = 60_000;
const SITTING = 'S-J-ECON';
let site: TestSite;
let proctor: Socket;
let sockets: Socket[] = [];

beforeEach(async () => {
  site = await startTestSite({ rooms: 2, perRoom: 3 });
  proctor = await proctorSocket(site, 'R1');
  sockets = [proctor];
  await call(proctor, 'login:open', { sittingId: SITTING });
});

afterEach(async () => {
  for (const s of sockets) s.disconnect();
  await site.stop();
});

async function machine(seatNo: number, machineId: string, roomId = 'R1') {
  const s = rawSocket(site.url, 'candidate');
  sockets.push(s);
  await connected(s);
  await approvedMachine(site.url, s, { roomId, seatNo, machineId });
  return s;
}

async function login(s: Socket, seat: number, n = seat) {
  const r = await call<Ack<LoginResult>>(s, 'candidate:login', {
    ticketNo: ticketFor(1, seat),
    idNumber: idNumberFor(n),
  });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

async function start() {
  site.clock.set(site.juniorStart);
  const r = await call<Ack<unknown>>(proctor, 'sitting:start', { sittingId: SITTING });
  if (!r.ok) throw new Error(JSON.stringify(r));
}

async function tile(ticketNo: string): Promise<CandidateTile> {
  const r = await call<Ack<RoomSnapshot>>(proctor, 'room:subscribe', {});
  if (!r.ok) throw new Error(r.error.message);
  return r.value.candidates.find((c) => c.ticketNo === ticketNo && c.sittingId === SITTING)!;
}

/** Polls the room until the candidate's tile is as expected (the server sees a drop a moment later). */
async function waitForTile(ticketNo: string, ok: (t: CandidateTile) => boolean): Promise<CandidateTile> {
  for (let i = 0; i < 200; i++) {
    const t = await tile(ticketNo);
    if (ok(t)) return t;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`tile ${ticketNo} never reached the expected state`);
}

const save = (s: Socket, changes: unknown[]) =>
  call<Ack<{ ackSeq: number }>>(s, 'answer:save', { sittingId: SITTING, changes });

function codeFor(authority: 'province' | 'centre', tickets: string[], minutes: number, serial = 0) {
  return issueApprovalCode(
    site.built.approvalKeys[authority],
    {
      kind: 'extension',
      authority,
      siteId: 'SITE-T',
      roomId: 'R1',
      sittingId: SITTING,
      date: siteLocalDate(site.juniorStart),
      tickets,
      minutes,
    },
    serial,
  );
}

describe('reset onto another machine', () => {
  it('locks the old machine and restores every answer and the remaining time on the new one', async () => {
    const old = await machine(1, 'machine-old-1');
    const first = await login(old, 1);
    void first;
    await start();
    await save(old, [
      { seq: 1, itemId: 'J-001', value: 'A', madeAt: 0 },
      { seq: 2, itemId: 'J-002', value: ['B', 'C'], madeAt: 0 },
      { seq: 3, itemId: 'J-003', value: true, flagged: true, madeAt: 0 },
    ]);
    // Sequence 4 never arrived; 5 did: the dead machine's gap must not block the new one.
    expect(await save(old, [{ seq: 5, itemId: 'J-004', value: 'D', madeAt: 0 }])).toEqual({
      ok: true,
      value: { ackSeq: 3 },
    });
    site.clock.advance(20 * MIN);
    const revoked = new Promise<{ reason: string }>((resolve) => old.once('session:revoked', resolve));
    const reset = await call<Ack<{ resetAt: number }>>(proctor, 'candidate:reset', {
      sittingId: SITTING,
      ticketNo: ticketFor(1, 1),
      reason: '考试机蓝屏',
    });
    expect(reset.ok).toBe(true);
    expect(await revoked).toEqual({ reason: '考试机蓝屏' });
    expect(await save(old, [{ seq: 6, itemId: 'J-001', value: 'B', madeAt: 0 }])).toMatchObject({
      ok: false,
      error: { code: 'NOT_LOGGED_IN' },
    });
    expect(await tile(ticketFor(1, 1))).toMatchObject({ resetPending: true, status: 'answering' });

    // A spare machine at another seat, after the late-entry cut-off: the reset lets them in.
    site.clock.advance(3 * MIN);
    const spare = await machine(3, 'machine-spare-3');
    const moved = await login(spare, 1);
    expect(moved.sittingKey).not.toBeNull();
    expect(moved.ackSeq).toBe(5);
    expect(moved.answers.map((a) => [a.itemId, a.value, a.flagged])).toEqual([
      ['J-001', 'A', false],
      ['J-002', ['B', 'C'], false],
      ['J-003', true, true],
      ['J-004', 'D', false],
    ]);
    expect(moved.sitting.endsAt).toBe(site.juniorStart + 90 * MIN);
    expect(await save(spare, [{ seq: 6, itemId: 'J-005', value: ['A'], madeAt: 0 }])).toEqual({
      ok: true,
      value: { ackSeq: 6 },
    });
    const t = await tile(ticketFor(1, 1));
    expect(t).toMatchObject({ resetPending: false, seatNo: 3 });
    // The old machine was still connected: the time lost runs from the reset, when the
    // server let go of it, to the new login (not from the last answer, 20 minutes earlier).
    expect(t.suggestedExtensionMs).toBe(3 * MIN);
  });

  it('suggests the time from the lost connection to the new login, not from the last answer', async () => {
    const old = await machine(1, 'machine-quiet-1');
    await login(old, 1);
    await start();
    await save(old, [{ seq: 1, itemId: 'J-001', value: 'A', madeAt: 0 }]);
    // Twenty minutes of thinking, then the machine dies and its socket drops.
    site.clock.advance(20 * MIN);
    old.disconnect();
    await waitForTile(ticketFor(1, 1), (t) => !t.online);
    expect(
      await call<Ack<unknown>>(proctor, 'candidate:reset', {
        sittingId: SITTING,
        ticketNo: ticketFor(1, 1),
        reason: '考试机死机',
      }),
    ).toMatchObject({ ok: true });
    site.clock.advance(5 * MIN);
    const spare = await machine(3, 'machine-spare-quiet');
    await login(spare, 1);
    expect((await tile(ticketFor(1, 1))).suggestedExtensionMs).toBe(5 * MIN);
  });

  it('counts a frozen machine from when it went silent, a ping timeout before the drop', () => {
    const now = 1_000_000;
    const ping = { reason: 'ping timeout', pingTimeoutMs: 10_000 };
    // The unanswered ping: silent at least since now − pingTimeout.
    expect(connectionLostAt(now, ping, null)).toBe(now - 10_000);
    expect(connectionLostAt(now, ping, now - 5 * MIN)).toBe(now - 10_000);
    // An answer saved after that proves it was alive then.
    expect(connectionLostAt(now, ping, now - 4_000)).toBe(now - 4_000);
    // A close is seen as it happens, whenever the last answer was.
    expect(connectionLostAt(now, { reason: 'transport close', pingTimeoutMs: 10_000 }, now - 20 * MIN)).toBe(
      now,
    );
  });

  it('does not let a proctor act on another room’s candidate', async () => {
    await start();
    const r = await call<Ack<unknown>>(proctor, 'candidate:reset', {
      sittingId: SITTING,
      ticketNo: ticketFor(2, 1),
      reason: 'x',
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TICKET' } });
  });
});

describe('time extension', () => {
  it('grants up to 10 minutes directly and the candidate’s clock moves at once', async () => {
    const s = await machine(1, 'machine-ext-1');
    await login(s, 1);
    await start();
    const pushed = new Promise<SittingView>((resolve) => s.once('sitting:state', resolve));
    const r = await call<Ack<ExtendResult>>(proctor, 'candidate:extend', {
      sittingId: SITTING,
      tickets: [ticketFor(1, 1)],
      minutes: 10,
      reason: '断电',
    });
    expect(r).toMatchObject({ ok: true, value: { authority: 'proctor' } });
    const view = await pushed;
    expect(view.endsAt).toBe(site.juniorStart + 100 * MIN);
    expect(view.earliestHandInAt).toBe(site.juniorStart + 85 * MIN);
  });

  it('needs a province code past 10 minutes cumulative, usable once, and locks out guessing', async () => {
    await start();
    const tickets = [ticketFor(1, 1), ticketFor(1, 2)];
    const extend = (minutes: number, code?: string) =>
      call<Ack<ExtendResult>>(proctor, 'candidate:extend', {
        sittingId: SITTING,
        tickets,
        minutes,
        reason: '网络故障',
        ...(code ? { code } : {}),
      });
    expect(await extend(5)).toMatchObject({ ok: true, value: { authority: 'proctor' } });
    expect(await extend(10)).toMatchObject({
      ok: false,
      error: { code: 'CODE_REQUIRED', details: { authority: 'province-code' } },
    });
    // A code for other minutes, or the centre's key, does not fit.
    expect(await extend(10, codeFor('province', tickets, 11))).toMatchObject({
      ok: false,
      error: { code: 'BAD_CODE' },
    });
    const good = codeFor('province', tickets, 10);
    expect(await extend(10, good)).toMatchObject({ ok: true, value: { authority: 'province-code' } });
    expect(await extend(10, good)).toMatchObject({ ok: false, error: { code: 'BAD_CODE' } });
    for (let i = 0; i < 4; i++) await extend(10, 'AAAAA-AAAAA');
    expect(await extend(10, codeFor('province', tickets, 10, 1))).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED' },
    });
    expect((await tile(ticketFor(1, 1))).extensionMs).toBe(15 * MIN);
  });

  it('needs a centre code past 60 minutes cumulative', async () => {
    await start();
    const tickets = [ticketFor(1, 1)];
    const r = await call<Ack<ExtendResult>>(proctor, 'candidate:extend', {
      sittingId: SITTING,
      tickets,
      minutes: 61,
      reason: '长时间停电',
      code: codeFor('province', tickets, 61),
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_CODE', details: { authority: 'centre' } } });
    const ok = await call<Ack<ExtendResult>>(proctor, 'candidate:extend', {
      sittingId: SITTING,
      tickets,
      minutes: 61,
      reason: '长时间停电',
      code: codeFor('centre', tickets, 61),
    });
    expect(ok).toMatchObject({ ok: true, value: { authority: 'centre-code' } });
  });
});

describe('delayed start with a code', () => {
  it('starts 45 minutes late with the province’s code and records it', async () => {
    site.clock.set(site.juniorStart + 45 * MIN);
    const code = issueApprovalCode(site.built.approvalKeys.province, {
      kind: 'delayed-start',
      authority: 'province',
      siteId: 'SITE-T',
      roomId: 'R1',
      sittingId: SITTING,
      date: siteLocalDate(site.juniorStart),
    });
    const noReason = await call<Ack<unknown>>(proctor, 'sitting:start', { sittingId: SITTING, code });
    expect(noReason).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    const r = await call<Ack<unknown>>(proctor, 'sitting:start', {
      sittingId: SITTING,
      code,
      reason: '停电',
    });
    expect(r).toMatchObject({ ok: true, value: { authority: 'province-code' } });
  });
});

describe('absence, violations, notices and the end checklist', () => {
  it('marks a candidate absent, and the candidate arriving undoes it', async () => {
    expect(
      await call(proctor, 'candidate:absent', {
        sittingId: SITTING,
        ticketNo: ticketFor(1, 2),
        absent: true,
      }),
    ).toEqual({ ok: true, value: { status: 'absent' } });
    expect((await tile(ticketFor(1, 2))).status).toBe('absent');
    const s = await machine(2, 'machine-late-2');
    await login(s, 2);
    expect((await tile(ticketFor(1, 2))).status).toBe('logged-in');
    expect(
      await call(proctor, 'candidate:absent', {
        sittingId: SITTING,
        ticketNo: ticketFor(1, 2),
        absent: true,
      }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED_NOW' } });
  });

  it('records a violation against the candidate, with the notification step', async () => {
    await start();
    const r = await call<Ack<{ violationId: number }>>(proctor, 'violation:record', {
      sittingId: SITTING,
      ticketNo: ticketFor(1, 1),
      category: 'external-device',
      description: '使用自带U盘',
      notified: true,
    });
    expect(r.ok).toBe(true);
    expect((await tile(ticketFor(1, 1))).violations).toBe(1);
    expect(
      await call(proctor, 'violation:record', {
        sittingId: SITTING,
        ticketNo: ticketFor(1, 1),
        category: 'talking',
        description: 'x',
        notified: false,
      }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
  });

  it('sends a notice to the room that candidates see and acknowledge', async () => {
    const s = await machine(1, 'machine-notice-1');
    await login(s, 1);
    await start();
    const received = new Promise<Notice>((resolve) => s.once('notice', resolve));
    const sent = await call<Ack<{ noticeId: number; recipients: number }>>(proctor, 'notice:send', {
      sittingId: SITTING,
      text: '请保持安静',
    });
    expect(sent).toMatchObject({ ok: true, value: { recipients: 1 } });
    const notice = await received;
    expect(notice.text).toBe('请保持安静');
    expect(await call(s, 'notice:ack', { noticeId: notice.noticeId })).toMatchObject({ ok: true });
    expect(await call(s, 'notice:ack', { noticeId: 999 })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it('shows a notice missed while offline at the next resume, until it is acknowledged', async () => {
    const s = await machine(1, 'machine-notice-away');
    const first = await login(s, 1);
    await start();
    s.disconnect();
    const sent = await call<Ack<{ noticeId: number; recipients: number }>>(proctor, 'notice:send', {
      sittingId: SITTING,
      ticketNo: ticketFor(1, 1),
      text: '请检查耳机',
    });
    expect(sent).toMatchObject({ ok: true, value: { recipients: 0 } });
    const back = await machine(1, 'machine-notice-away');
    const resumed = await call<Ack<LoginResult>>(back, 'candidate:resume', {
      sessionToken: first.sessionToken,
    });
    expect(resumed.ok && resumed.value.notices.map((n) => n.text)).toEqual(['请检查耳机']);
    const seen = new Promise<NoticeAcknowledged>((resolve) => proctor.once('room:noticeAck', resolve));
    const noticeId = sent.ok ? sent.value.noticeId : 0;
    expect(await call(back, 'notice:ack', { noticeId })).toMatchObject({ ok: true });
    expect(await seen).toMatchObject({ noticeId, ticketNo: ticketFor(1, 1), sittingId: SITTING });
    const again = await call<Ack<LoginResult>>(back, 'candidate:resume', {
      sessionToken: first.sessionToken,
    });
    expect(again.ok && again.value.notices).toEqual([]);
  });

  it("gives the proctor a candidate's photo, masked ID and audit trail, for its own room only", async () => {
    const s = await machine(2, 'machine-detail-2');
    await login(s, 2);
    await start();
    expect(
      await call(proctor, 'candidate:extend', {
        sittingId: SITTING,
        tickets: [ticketFor(1, 2), ticketFor(1, 3)],
        minutes: 5,
        reason: '停电',
      }),
    ).toMatchObject({ ok: true });
    await call(proctor, 'notice:send', { sittingId: SITTING, ticketNo: ticketFor(1, 1), text: '只给一号' });
    await call(proctor, 'notice:send', { sittingId: SITTING, text: '全场通知' });
    const r = await call<Ack<CandidateDetail>>(proctor, 'candidate:detail', {
      sittingId: SITTING,
      ticketNo: ticketFor(1, 2),
    });
    if (!r.ok) throw new Error(r.error.message);
    const id = idNumberFor(2);
    // Only the last four: region and birth date would leave little to guess.
    expect(r.value.idNumberMasked).toBe(`${'*'.repeat(id.length - 4)}${id.slice(-4)}`);
    expect(Buffer.from(r.value.photoPng, 'base64').subarray(1, 4).toString()).toBe('PNG');
    const actions = r.value.history.map((h) => h.action);
    expect(actions).toEqual(
      expect.arrayContaining(['candidate.login', 'sitting.started', 'time.extended', 'notice.sent']),
    );
    // The notice to candidate 1 is not part of candidate 2's trail; the room's is.
    expect(r.value.history.filter((h) => h.action === 'notice.sent').map((h) => h.data.text)).toEqual([
      '全场通知',
    ]);
    const other = await proctorSocket(site, 'R2');
    sockets.push(other);
    expect(
      await call(other, 'candidate:detail', { sittingId: SITTING, ticketNo: ticketFor(1, 2) }),
    ).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TICKET' } });
  });

  it('blocks the end while someone is answering, then allows it', async () => {
    const s = await machine(1, 'machine-end-1');
    await login(s, 1);
    await start();
    site.clock.advance(80 * MIN);
    const blocked = await call<Ack<EndChecklist>>(proctor, 'sitting:checklist', { sittingId: SITTING });
    expect(blocked).toMatchObject({ ok: true, value: { ready: false } });
    if (blocked.ok) {
      expect(blocked.value.items.find((i) => i.key === 'all-accounted')).toMatchObject({
        ok: false,
        tickets: [ticketFor(1, 1)],
      });
      // Each item carries its figures, so a console words it in its own language.
      expect(blocked.value.items.map((i) => [i.key, i.ok, i.count, i.tickets])).toEqual([
        ['all-accounted', false, 1, [ticketFor(1, 1)]],
        ['answers-synced', true, 0, []],
        ['standalone-collected', true, 0, []],
        ['transfers-resolved', true, 0, []],
      ]);
    }
    expect(await call(proctor, 'sitting:end', { sittingId: SITTING })).toMatchObject({
      ok: false,
      error: { code: 'CANDIDATES_STILL_ANSWERING' },
    });
    await call(s, 'exam:handIn', { sittingId: SITTING });
    const ready = await call<Ack<EndChecklist>>(proctor, 'sitting:checklist', { sittingId: SITTING });
    expect(ready).toMatchObject({ ok: true, value: { ready: true } });
    // Passing, it counts those who never logged in, to be recorded absent at the end.
    expect(ready.ok && ready.value.items[0]).toMatchObject({ key: 'all-accounted', count: 2, tickets: [] });
    expect(await call(proctor, 'sitting:end', { sittingId: SITTING })).toMatchObject({
      ok: true,
      value: { handedIn: 1, absent: 2 },
    });
  });
});
