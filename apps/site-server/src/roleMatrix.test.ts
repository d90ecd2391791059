import { idNumberFor, ticketFor } from '@exam/centre';
import type { Ack } from '@exam/protocol';
import {
  approvedMachine,
  call,
  connected,
  passingMachineCheck,
  proctorSocket,
  proveMachine,
  rawSocket,
  startTestSite,
  type TestSite,
  testMachineFingerprint,
  testMachineKey,
} from '@exam/testkit';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Every event attempted by every role (ARCHITECTURE §5): only the allowed ones succeed.
 * Payloads are valid, so a refusal comes from the role, not from the schema.
 */
let site: TestSite;
const sockets: Socket[] = [];
const R1_TICKET = ticketFor(1, 1);
const R2_TICKET = ticketFor(2, 1);

const CANDIDATE_EVENTS: Record<string, unknown> = {
  'machine:hello': { publicKey: testMachineKey('machine-matrix-1').publicKey, clientVersion: '1' },
  'machine:prove': { signature: `${'A'.repeat(86)}==` },
  'machine:join': { roomId: 'R1', seatNo: 1 },
  'candidate:login': { ticketNo: R1_TICKET, idNumber: idNumberFor(1) },
  'candidate:resume': { sessionToken: 'b'.repeat(43) },
  'answer:save': { sittingId: 'S-J-ECON', changes: [{ seq: 1, itemId: 'J-001', value: 'A', madeAt: 0 }] },
  'answer:deliver': {
    sessionToken: 'b'.repeat(43),
    sittingId: 'S-J-ECON',
    changes: [{ seq: 1, itemId: 'J-001', value: 'A', madeAt: 0 }],
  },
  'exam:handIn': { sittingId: 'S-J-ECON' },
  'time:sync': {},
  'machine:check': passingMachineCheck(),
  'client:alert': { kind: 'focus-lost' },
  'notice:ack': { noticeId: 1 },
};
/** Proctor events aimed at room R1's sitting and candidate. */
const PROCTOR_EVENTS: Record<string, unknown> = {
  'room:subscribe': {},
  'login:open': { sittingId: 'S-J-ECON' },
  'sitting:checklist': { sittingId: 'S-J-ECON' },
  'candidate:reset': { sittingId: 'S-J-ECON', ticketNo: R1_TICKET, reason: 'test' },
  'candidate:extend': { sittingId: 'S-J-ECON', tickets: [R1_TICKET], minutes: 5, reason: 'test' },
  'candidate:absent': { sittingId: 'S-J-ECON', ticketNo: R1_TICKET, absent: true },
  'violation:record': {
    sittingId: 'S-J-ECON',
    ticketNo: R1_TICKET,
    category: 'mark-or-sign',
    description: 'wrote on the desk',
    notified: true,
  },
  'notice:send': { sittingId: 'S-J-ECON', ticketNo: R1_TICKET, text: 'hello' },
  'replica:pull': { sittingId: 'S-J-ECON', have: {} },
  'candidate:detail': { sittingId: 'S-J-ECON', ticketNo: R1_TICKET },
  // Two machines wait in room R1 (see the console test): one to approve, one to refuse.
  'machine:approve': { fingerprint: testMachineFingerprint('machine-matrix-3'), seatNo: 2 },
  'machine:refuse': { fingerprint: testMachineFingerprint('machine-matrix-4') },
};
/** What a machine may do before a proctor approved it (issue 16). */
const BEFORE_APPROVAL = ['machine:hello', 'machine:prove', 'machine:join'];

beforeAll(async () => {
  site = await startTestSite({ rooms: 2, perRoom: 2 });
  const p1 = await proctorSocket(site, 'R1');
  const p2 = await proctorSocket(site, 'R2');
  sockets.push(p1, p2);
  for (const p of [p1, p2]) await call(p, 'login:open', { sittingId: 'S-J-ECON' });
  site.clock.set(site.juniorStart);
  expect(await call(p1, 'sitting:start', { sittingId: 'S-J-ECON' })).toMatchObject({ ok: true });
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await site.stop();
});

async function candidate(): Promise<Socket> {
  const s = rawSocket(site.url, 'candidate');
  sockets.push(s);
  await connected(s);
  return s;
}

const codeOf = (r: Ack<unknown>) => (r.ok ? 'ok' : r.error.code);

describe('role matrix', () => {
  it('lets a machine not approved only prove its key and ask to join', async () => {
    const s = await candidate();
    const got: Record<string, string> = {};
    for (const [event, payload] of Object.entries(CANDIDATE_EVENTS)) {
      if (BEFORE_APPROVAL.includes(event)) continue;
      got[event] = codeOf(await call<Ack<unknown>>(s, event, payload));
    }
    for (const [event, payload] of Object.entries(PROCTOR_EVENTS))
      got[event] = codeOf(await call<Ack<unknown>>(s, event, payload));
    expect(got).toEqual({
      'candidate:login': 'MACHINE_NOT_APPROVED',
      'candidate:resume': 'MACHINE_NOT_APPROVED',
      'answer:save': 'MACHINE_NOT_APPROVED',
      'answer:deliver': 'MACHINE_NOT_APPROVED',
      'exam:handIn': 'MACHINE_NOT_APPROVED',
      'time:sync': 'MACHINE_NOT_APPROVED',
      'machine:check': 'MACHINE_NOT_APPROVED',
      'client:alert': 'MACHINE_NOT_APPROVED',
      'notice:ack': 'MACHINE_NOT_APPROVED',
      ...Object.fromEntries(Object.keys(PROCTOR_EVENTS).map((e) => [e, 'FORBIDDEN'])),
    });
  });

  it('lets an approved machine log in but not act on a sitting before login', async () => {
    const s = await candidate();
    expect(
      await approvedMachine(site.url, s, { roomId: 'R1', seatNo: 2, machineId: 'machine-matrix-2' }),
    ).toMatchObject({ roomId: 'R1', seatNo: 2 });
    const got: Record<string, string> = {};
    for (const event of [
      'answer:save',
      'answer:deliver',
      'exam:handIn',
      'notice:ack',
      'candidate:resume',
      'machine:check',
      'client:alert',
    ])
      got[event] = codeOf(await call<Ack<unknown>>(s, event, CANDIDATE_EVENTS[event]));
    for (const [event, payload] of Object.entries(PROCTOR_EVENTS))
      got[event] = codeOf(await call<Ack<unknown>>(s, event, payload));
    expect(got).toEqual({
      'answer:save': 'NOT_LOGGED_IN',
      // A retired session's leftovers need no login, only the machine and a token of its own.
      'answer:deliver': 'SESSION_INVALID',
      'exam:handIn': 'NOT_LOGGED_IN',
      'notice:ack': 'NOT_LOGGED_IN',
      'candidate:resume': 'SESSION_INVALID',
      'machine:check': 'ok',
      'client:alert': 'ok',
      ...Object.fromEntries(Object.keys(PROCTOR_EVENTS).map((e) => [e, 'FORBIDDEN'])),
    });
    expect(
      await call(s, 'candidate:login', { ticketNo: ticketFor(1, 2), idNumber: idNumberFor(2) }),
    ).toMatchObject({ ok: true });
  });

  it('lets a logged-in candidate save and sync, and nothing of a proctor’s', async () => {
    const s = await candidate();
    await approvedMachine(site.url, s, { roomId: 'R1', seatNo: 1, machineId: 'machine-matrix-1' });
    expect(await call(s, 'candidate:login', CANDIDATE_EVENTS['candidate:login'])).toMatchObject({ ok: true });
    const got: Record<string, string> = {};
    for (const event of ['answer:save', 'exam:handIn', 'time:sync'])
      got[event] = codeOf(await call<Ack<unknown>>(s, event, CANDIDATE_EVENTS[event]));
    for (const [event, payload] of Object.entries(PROCTOR_EVENTS))
      got[event] = codeOf(await call<Ack<unknown>>(s, event, payload));
    // exam:handIn is authorised but refused by the rule: not before the earliest hand-in time.
    expect(got).toEqual({
      'answer:save': 'ok',
      'exam:handIn': 'TOO_EARLY',
      'time:sync': 'ok',
      ...Object.fromEntries(Object.keys(PROCTOR_EVENTS).map((e) => [e, 'FORBIDDEN'])),
    });
  });

  it('lets room R1’s console act on R1, and room R2’s console not act on R1’s candidates', async () => {
    const own = await proctorSocket(site, 'R1');
    const other = await proctorSocket(site, 'R2');
    sockets.push(own, other);
    for (const machineId of ['machine-matrix-3', 'machine-matrix-4']) {
      const waiting = await candidate();
      await proveMachine(waiting, machineId);
      expect(await call(waiting, 'machine:join', { roomId: 'R1', seatNo: 2 })).toMatchObject({ ok: true });
    }
    const ownGot: Record<string, string> = {};
    const otherGot: Record<string, string> = {};
    for (const [event, payload] of Object.entries(PROCTOR_EVENTS)) {
      otherGot[event] = codeOf(await call<Ack<unknown>>(other, event, payload));
      ownGot[event] = codeOf(await call<Ack<unknown>>(own, event, payload));
    }
    for (const [event, payload] of Object.entries(CANDIDATE_EVENTS)) {
      expect(codeOf(await call<Ack<unknown>>(own, event, payload)), event).toBe('FORBIDDEN');
      expect(codeOf(await call<Ack<unknown>>(other, event, payload)), event).toBe('FORBIDDEN');
    }
    // Authorised for the own room; marking absent a candidate who logged in is refused by the rule.
    expect(ownGot).toEqual({
      ...Object.fromEntries(Object.keys(PROCTOR_EVENTS).map((e) => [e, 'ok'])),
      'candidate:absent': 'NOT_ALLOWED_NOW',
    });
    // R2's console works on R2 only: room-wide reads answer for R2; R1's candidate is not found there.
    for (const event of [
      'candidate:reset',
      'candidate:extend',
      'candidate:absent',
      'violation:record',
      'notice:send',
      'candidate:detail',
      'machine:approve',
      'machine:refuse',
    ]) {
      expect(otherGot[event], event).not.toBe('ok');
    }
    const r1Violations = site.server.ctx.db
      .prepare('SELECT count(*) FROM violations WHERE ticket_no = ?')
      .pluck()
      .get(R1_TICKET);
    expect(r1Violations).toBe(1); // the one R1's own console recorded
    expect(
      await call(other, 'candidate:absent', { sittingId: 'S-J-ECON', ticketNo: R2_TICKET, absent: true }),
    ).toMatchObject({ ok: true });
  });

  it('answers a proctor connection that has not signed in with UNAUTHORIZED, whatever it asks', async () => {
    // Sign-in happens inside the connection (a challenge bound to it, issue 16); until then
    // every proctor event is refused and nothing is pushed.
    const s = rawSocket(site.url, 'proctor');
    sockets.push(s);
    await connected(s);
    const got: Record<string, string> = {};
    for (const [event, payload] of Object.entries(PROCTOR_EVENTS))
      got[event] = codeOf(await call<Ack<unknown>>(s, event, payload));
    expect(got).toEqual(Object.fromEntries(Object.keys(PROCTOR_EVENTS).map((e) => [e, 'UNAUTHORIZED'])));
  });
});
