import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idNumberFor, ticketFor, verifyAnswerPackage } from '@exam/centre';
import { readPackage, sign, writePackage } from '@exam/crypto';
import type {
  Ack,
  AnswerPackage,
  DrawSeatResult,
  EndChecklist,
  EndResult,
  LoginResult,
  RoomSnapshot,
  RoomTransfers,
  StandaloneChallenge,
  StandaloneExportResult,
  TransferView,
} from '@exam/protocol';
import { standaloneConsentStatement } from '@exam/protocol';
import {
  approvedMachine,
  call,
  connected,
  proctorSocket,
  rawSocket,
  siteFetch,
  startTestSite,
  type TestSite,
  testMachineFingerprint,
} from '@exam/testkit';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * An overbooked site (annex 4, issue 19), over real sockets: R1 seats 5 candidates on 4
 * machines, R2 5 on 6, R3 5 on 5. The whole site seats at entry (no arranged seats), a proctor
 * draws a random free seat, a full room transfers a late arrival out, another room takes them
 * in, a transfer no room took blocks the sending room's end until it is resolved, and every
 * transfer reaches the transfer report, the room report and the answer package.
 */
const MIN = 60_000;
const SITTING = 'S-J-ECON';
const PER_ROOM = 5;
const t = (room: number, k: number) => ({
  ticketNo: ticketFor(room, k),
  idNumber: idNumberFor((room - 1) * PER_ROOM + k),
});
let site: TestSite;
const sockets: Socket[] = [];
const proctors = new Map<string, Socket>();
const machines = new Map<string, Socket>();

async function machine(roomId: string, seatNo: number): Promise<Socket> {
  const key = `${roomId}-${seatNo}`;
  const known = machines.get(key);
  if (known) return known;
  const s = rawSocket(site.url, 'candidate');
  sockets.push(s);
  await connected(s);
  await approvedMachine(site.url, s, { roomId, seatNo, machineId: `overbook-${key}` });
  machines.set(key, s);
  return s;
}

/** A second connection of the same machine (its key): what a second candidate would sit at. */
async function sameMachineAgain(roomId: string, seatNo: number): Promise<Socket> {
  const s = rawSocket(site.url, 'candidate');
  sockets.push(s);
  await connected(s);
  await approvedMachine(site.url, s, { roomId, seatNo, machineId: `overbook-${roomId}-${seatNo}` });
  return s;
}

const login = (s: Socket, who: { ticketNo: string; idNumber: string }) =>
  call<Ack<LoginResult>>(s, 'candidate:login', who);
const ask = <T>(roomId: string, event: string, payload: unknown) =>
  call<Ack<T>>(proctors.get(roomId)!, event, payload);
async function must<T>(roomId: string, event: string, payload: unknown): Promise<T> {
  const r = await ask<T>(roomId, event, payload);
  if (!r.ok) throw new Error(`${event}: ${r.error.code} ${r.error.message}`);
  return r.value;
}
/** The chief examiner's consent over a fresh challenge of the room's console (issue 17). */
async function consent(
  roomId: string,
  p: { action: 'export' | 'cancel'; ticketNo: string; subject: string; reason: string },
) {
  const { challenge } = await must<StandaloneChallenge>(roomId, 'standalone:challenge', {});
  const statement = standaloneConsentStatement({ ...p, siteId: 'SITE-T', sittingId: SITTING, challenge });
  return {
    certPem: site.pki.chief.certPem,
    signature: sign(statement, site.pki.chief.privateKeyPem).toString('base64'),
    challenge,
  };
}
const tileOf = async (roomId: string, ticketNo: string) =>
  (await must<RoomSnapshot>(roomId, 'room:subscribe', {})).candidates.find(
    (c) => c.ticketNo === ticketNo && c.sittingId === SITTING,
  );

beforeAll(async () => {
  site = await startTestSite({
    rooms: 3,
    perRoom: PER_ROOM,
    roomSeats: [4, 6, 5],
    overbooked: true,
    items: 3,
  });
  for (const roomId of ['R1', 'R2', 'R3']) {
    const p = await proctorSocket(site, roomId);
    sockets.push(p);
    proctors.set(roomId, p);
    await must(roomId, 'login:open', { sittingId: SITTING });
  }
}, 60_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await site.stop();
});

describe('entry at an overbooked site', () => {
  it('lets a candidate of a room within its machines log in at any free machine of their room', async () => {
    // R2 has more machines than candidates, but one overbooked room makes the whole site so.
    const r = await login(await machine('R2', 3), t(2, 1));
    expect(r).toMatchObject({ ok: true, value: { candidate: { seatNo: 3 } } });
    expect(await tileOf('R2', t(2, 1).ticketNo)).toMatchObject({ seatNo: 3 });
  });

  it('shows no seat before login', async () => {
    expect(await tileOf('R2', t(2, 2).ticketNo)).toMatchObject({ seatNo: null });
  });

  it('refuses a second candidate on a machine that holds one', async () => {
    const r = await login(await sameMachineAgain('R2', 3), t(2, 2));
    expect(r).toMatchObject({ ok: false, error: { code: 'SEAT_TAKEN' } });
    if (!r.ok) expect(r.error.message).toContain('Seat 3 is taken');
  });

  it('refuses a machine of another room', async () => {
    const r = await login(await machine('R3', 1), t(2, 2));
    expect(r).toMatchObject({ ok: false, error: { code: 'LOGIN_FAILED' } });
  });

  it('draws a random free approved seat, never one taken, and holds the candidate to a confirmed one', async () => {
    for (const seat of [1, 2, 3, 4]) await machine('R1', seat);
    const r1 = await login(machines.get('R1-1')!, t(1, 1));
    expect(r1.ok).toBe(true);
    const drawn = new Set<number>();
    for (let i = 0; i < 30; i++) {
      drawn.add(
        (await must<DrawSeatResult>('R1', 'proctor:draw-seat', { ticketNo: t(1, 2).ticketNo })).seatNo,
      );
    }
    expect([...drawn].sort()).toEqual([2, 3, 4]);
    // A redraw skips the seats just offered.
    const redrawn = await must<DrawSeatResult>('R1', 'proctor:draw-seat', {
      ticketNo: t(1, 2).ticketNo,
      exclude: [2, 3],
    });
    expect(redrawn).toMatchObject({ seatNo: 4, free: 3 });
    await must('R1', 'proctor:assign-seat', { ticketNo: t(1, 2).ticketNo, seatNo: 4 });
    // The reserved seat is offered to no one else, and taken by no one else.
    for (let i = 0; i < 10; i++) {
      expect(
        (await must<DrawSeatResult>('R1', 'proctor:draw-seat', { ticketNo: t(1, 3).ticketNo })).seatNo,
      ).not.toBe(4);
    }
    expect(await ask('R1', 'proctor:assign-seat', { ticketNo: t(1, 3).ticketNo, seatNo: 4 })).toMatchObject({
      ok: false,
      error: { code: 'SEAT_TAKEN' },
    });
    expect(await login(machines.get('R1-4')!, t(1, 3))).toMatchObject({
      ok: false,
      error: { code: 'SEAT_TAKEN' },
    });
    expect(await login(machines.get('R1-2')!, t(1, 2))).toMatchObject({
      ok: false,
      error: { code: 'WRONG_SEAT', details: { seatNo: 4 } },
    });
    expect(await login(machines.get('R1-4')!, t(1, 2))).toMatchObject({
      ok: true,
      value: { candidate: { seatNo: 4 } },
    });
  });
});

describe('who may draw seats and transfer', () => {
  it('refuses a machine and a console that has not signed in', async () => {
    const cand = await machine('R1', 1);
    expect(
      await call<Ack<unknown>>(cand, 'proctor:transfer-out', { ticketNo: t(3, 4).ticketNo, reason: 'x' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const unsigned = rawSocket(site.url, 'proctor');
    sockets.push(unsigned);
    await connected(unsigned);
    for (const event of ['proctor:draw-seat', 'proctor:open-transfers', 'proctor:transfer-in']) {
      expect(await call<Ack<unknown>>(unsigned, event, {}), event).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHORIZED' },
      });
    }
  });
});

describe('transfers between rooms', () => {
  let transfer: TransferView;

  it('offers no seat in a full room, and transfers the late arrival out', async () => {
    expect((await login(machines.get('R1-2')!, t(1, 3))).ok).toBe(true);
    expect((await login(machines.get('R1-3')!, t(1, 4))).ok).toBe(true);
    expect(await ask('R1', 'proctor:draw-seat', { ticketNo: t(1, 5).ticketNo })).toMatchObject({
      ok: false,
      error: { code: 'NO_FREE_SEAT' },
    });
    // A candidate who has logged in stays in their room.
    expect(
      await ask('R1', 'proctor:transfer-out', { ticketNo: t(1, 1).ticketNo, reason: '考场已满' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'NOT_ALLOWED_NOW' },
    });
    // Nor does one the proctor reset onto a spare machine after logging in.
    await must('R1', 'candidate:reset', {
      sittingId: SITTING,
      ticketNo: t(1, 1).ticketNo,
      reason: '机器故障',
    });
    const reset = await ask('R1', 'proctor:transfer-out', { ticketNo: t(1, 1).ticketNo, reason: '考场已满' });
    expect(reset).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED_NOW' } });
    if (!reset.ok) expect(reset.error.message).toContain('was reset');
    // Another room's candidate is not this room's to transfer.
    expect(
      await ask('R1', 'proctor:transfer-out', { ticketNo: t(2, 4).ticketNo, reason: '考场已满' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_TICKET' },
    });
    const pushed = new Promise<RoomTransfers>((resolve) =>
      proctors.get('R2')!.once('room:transfers', resolve),
    );
    transfer = (
      await must<{ transfer: TransferView }>('R1', 'proctor:transfer-out', {
        ticketNo: t(1, 5).ticketNo,
        reason: '考场已满',
      })
    ).transfer;
    expect(transfer).toMatchObject({
      state: 'out',
      fromRoomId: 'R1',
      toRoomId: null,
      ticketTail: t(1, 5).ticketNo.slice(-3),
    });
    // Every room's console sees the site's open transfers.
    expect((await pushed).transfers.map((x) => x.transferId)).toContain(transfer.transferId);
    const listed = await must<RoomTransfers>('R3', 'proctor:open-transfers', {});
    expect(listed.transfers).toContainEqual(
      expect.objectContaining({ transferId: transfer.transferId, state: 'out' }),
    );
  });

  it('refuses the transferred-out candidate in the sending room and in any other before a room takes them in', async () => {
    const inR1 = await login(await sameMachineAgain('R1', 1), t(1, 5));
    expect(inR1).toMatchObject({ ok: false, error: { code: 'TRANSFERRED_OUT' } });
    const inR3 = await login(await machine('R3', 2), t(1, 5));
    expect(inR3).toMatchObject({ ok: false, error: { code: 'TRANSFERRED_OUT' } });
  });

  it('is taken in by another room, not by the sending one, and logs in there only', async () => {
    expect(await ask('R1', 'proctor:transfer-in', { transferId: transfer.transferId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_ALLOWED_NOW' },
    });
    // R2: one candidate present on its one approved machine; a second machine makes room.
    expect(await ask('R2', 'proctor:transfer-in', { transferId: transfer.transferId })).toMatchObject({
      ok: false,
      error: { code: 'ROOM_FULL', details: { present: 1, takenIn: 0, machines: 1 } },
    });
    await machine('R2', 5);
    const taken = await must<{ transfer: TransferView }>('R2', 'proctor:transfer-in', {
      transferId: transfer.transferId,
    });
    expect(taken.transfer).toMatchObject({
      state: 'in',
      toRoomId: 'R2',
      toRoomName: '第2考场',
      inBy: '监考R2',
    });
    expect(await ask('R3', 'proctor:transfer-in', { transferId: transfer.transferId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_ALLOWED_NOW' },
    });
    // A third room, and the sending room, now refuse the candidate as of another room.
    expect(await login(machines.get('R3-2')!, t(1, 5))).toMatchObject({
      ok: false,
      error: { code: 'LOGIN_FAILED' },
    });
    expect(await login(await sameMachineAgain('R1', 1), t(1, 5))).toMatchObject({
      ok: false,
      error: { code: 'LOGIN_FAILED' },
    });
    const there = await login(await machine('R2', 5), t(1, 5));
    expect(there).toMatchObject({ ok: true, value: { candidate: { seatNo: 5, roomName: '第2考场' } } });
    expect(await tileOf('R2', t(1, 5).ticketNo)).toMatchObject({ seatNo: 5 });
    expect(await tileOf('R1', t(1, 5).ticketNo)).toBeUndefined();
    // The candidate's history on the receiving console shows both steps.
    const detail = await must<{ history: { action: string }[] }>('R2', 'candidate:detail', {
      sittingId: SITTING,
      ticketNo: t(1, 5).ticketNo,
    });
    expect(detail.history.map((h) => h.action)).toEqual(
      expect.arrayContaining(['transfer.out', 'transfer.in', 'candidate.login']),
    );
  });

  it("refuses a transfer in beyond the receiving room's approved machines, with the figures", async () => {
    // R3 has two approved machines (seats 1 and 2) and one candidate logged in.
    expect((await login(machines.get('R3-1')!, t(3, 1))).ok).toBe(true);
    const a = (
      await must<{ transfer: TransferView }>('R2', 'proctor:transfer-out', {
        ticketNo: t(2, 4).ticketNo,
        reason: '迟到',
      })
    ).transfer;
    const b = (
      await must<{ transfer: TransferView }>('R2', 'proctor:transfer-out', {
        ticketNo: t(2, 5).ticketNo,
        reason: '迟到',
      })
    ).transfer;
    await must('R3', 'proctor:transfer-in', { transferId: a.transferId });
    const full = await ask('R3', 'proctor:transfer-in', { transferId: b.transferId });
    expect(full).toMatchObject({
      ok: false,
      error: { code: 'ROOM_FULL', details: { present: 1, takenIn: 1, machines: 2 } },
    });
    await must('R2', 'proctor:resolve-transfer', {
      transferId: b.transferId,
      outcome: 'other',
      note: '考生自行离开',
    });
    expect((await login(machines.get('R3-2')!, t(2, 4))).ok).toBe(true);
  });

  it('refuses to resolve a transfer that was taken in, or another room’s', async () => {
    expect(
      await ask('R1', 'proctor:resolve-transfer', {
        transferId: transfer.transferId,
        outcome: 'absent',
        note: '',
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'NOT_ALLOWED_NOW' },
    });
  });
});

describe('the end, the reports and the answer package', () => {
  let open: TransferView;

  it('refuses the end of a room with an open transfer, naming it, and ends once it is resolved', async () => {
    open = (
      await must<{ transfer: TransferView }>('R3', 'proctor:transfer-out', {
        ticketNo: t(3, 5).ticketNo,
        reason: '迟到，考场已满',
      })
    ).transfer;
    site.clock.set(site.juniorStart);
    for (const roomId of ['R1', 'R2', 'R3']) await must(roomId, 'sitting:start', { sittingId: SITTING });
    // The candidate taken in answers in the receiving room.
    const saved = await call<Ack<unknown>>(machines.get('R2-5')!, 'answer:save', {
      sittingId: SITTING,
      changes: [{ seq: 1, itemId: 'J-001', value: 'A', flagged: false, madeAt: site.clock.now() }],
    });
    expect(saved).toMatchObject({ ok: true, value: { ackSeq: 1 } });
    // The sending room no longer holds the candidate taken in: it cannot send them standalone.
    const takenIn = t(1, 5).ticketNo;
    const r1Target = testMachineFingerprint('overbook-R1-1');
    const fromSender = await ask('R1', 'standalone:export', {
      ticketNo: takenIn,
      targetMachineFingerprint: r1Target,
      reason: '考试机故障',
      consent: await consent('R1', {
        action: 'export',
        ticketNo: takenIn,
        subject: r1Target,
        reason: '考试机故障',
      }),
    });
    expect(fromSender).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TICKET' } });
    // A candidate whose sitting went standalone (issue 17) is not transferred.
    await machine('R3', 3);
    const target = testMachineFingerprint('overbook-R3-3');
    const standalone = t(3, 2).ticketNo;
    const exportReason = '考试机与备用机均故障';
    const exported = await must<StandaloneExportResult>('R3', 'standalone:export', {
      ticketNo: standalone,
      targetMachineFingerprint: target,
      reason: exportReason,
      consent: await consent('R3', {
        action: 'export',
        ticketNo: standalone,
        subject: target,
        reason: exportReason,
      }),
    });
    expect(
      await ask('R3', 'proctor:transfer-out', { ticketNo: standalone, reason: '考场已满' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'STANDALONE_ACTIVE' },
    });
    await must('R3', 'standalone:cancel', {
      packageId: exported.packageId,
      reason: '考试机已修复',
      consent: await consent('R3', {
        action: 'cancel',
        ticketNo: standalone,
        subject: exported.packageId,
        reason: '考试机已修复',
      }),
    });
    site.clock.advance(150 * MIN);
    await site.server.tick();
    const checklist = await must<EndChecklist>('R3', 'sitting:checklist', { sittingId: SITTING });
    expect(checklist.items.find((i) => i.key === 'transfers-resolved')).toMatchObject({
      ok: false,
      tickets: [t(3, 5).ticketNo],
    });
    const refused = await ask('R3', 'sitting:end', { sittingId: SITTING });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CHECKLIST_INCOMPLETE' } });
    await must('R3', 'proctor:resolve-transfer', {
      transferId: open.transferId,
      outcome: 'absent',
      note: '未到接收考场',
    });
    for (const roomId of ['R1', 'R2']) await must<EndResult>(roomId, 'sitting:end', { sittingId: SITTING });
    const ended = await must<EndResult>('R3', 'sitting:end', { sittingId: SITTING });
    expect(ended.answerPackage).not.toBeNull();
    writeFileSync(join(dir, 'answers.exampkg'), readFileSync(ended.answerPackage!));
  });

  const dir = mkdtempSync(join(tmpdir(), 'overbook-report-'));
  const pdfText = (bytes: Buffer, name: string) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
  };

  it("prints the whole site's transfer report for the admin, with every transfer and the chief's signature line", async () => {
    const res = await siteFetch(`${site.url}/api/admin/sittings/${SITTING}/transfer-report`, {
      headers: { authorization: `Bearer ${site.server.adminToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/pdf');
    const text = pdfText(Buffer.from(await res.arrayBuffer()), 'site.pdf');
    expect(text).toContain('应试人员跨考场调动单');
    expect(text).toContain('全考点');
    for (const who of [t(1, 5), t(2, 4), t(2, 5), t(3, 5)]) expect(text).toContain(who.ticketNo);
    expect(text).toContain('第1考场');
    expect(text).toContain('第2考场');
    expect(text).toContain('监考R1');
    expect(text).toContain('缺考');
    expect(text).toContain('监考主考签字');
  });

  it("prints a room's part from its console, and refuses an unknown sitting", async () => {
    const r = await must<{ fileName: string; pdfBase64: string }>('R3', 'report:transfers', {
      sittingId: SITTING,
    });
    const text = pdfText(Buffer.from(r.pdfBase64, 'base64'), 'r3.pdf');
    expect(text).toContain('考场 第3考场');
    expect(text).toContain(t(2, 4).ticketNo);
    expect(text).toContain(t(3, 5).ticketNo);
    expect(text).not.toContain(t(1, 5).ticketNo);
    expect(await ask('R3', 'report:transfers', { sittingId: 'NOPE' })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_SITTING' },
    });
  });

  it("lists the room's transfers in its room report", async () => {
    const r = await must<{ pdfBase64: string }>('R2', 'report:room', { sittingId: SITTING });
    const text = pdfText(Buffer.from(r.pdfBase64, 'base64'), 'room.pdf');
    expect(text).toContain('七、跨考场调动');
    expect(text).toContain(t(1, 5).ticketNo);
    expect(text).toContain('已调入');
  });

  it('carries each transfer in the answer package, checked by the centre against the audit chain', () => {
    const v = verifyAnswerPackage(readFileSync(join(dir, 'answers.exampkg')), site.pki.centre);
    expect(v.transfers).toHaveLength(4);
    const moved = v.package.candidates.find((c) => c.ticketNo === t(1, 5).ticketNo)!;
    // Taken in by R2: the answers are R2's.
    expect(moved.roomId).toBe('R2');
    expect(v.candidates.find((c) => c.ticketNo === t(1, 5).ticketNo)).toMatchObject({
      roomId: 'R2',
      changes: 1,
    });
    expect(moved.transfers).toEqual([
      expect.objectContaining({ fromRoomId: 'R1', toRoomId: 'R2', state: 'in' }),
    ]);
    const resolved = v.package.candidates.find((c) => c.ticketNo === t(3, 5).ticketNo)!;
    expect(resolved).toMatchObject({ roomId: 'R3', status: 'absent' });
    expect(resolved.transfers).toEqual([expect.objectContaining({ state: 'resolved', outcome: 'absent' })]);
    expect(v.package.candidates.find((c) => c.ticketNo === t(1, 1).ticketNo)!.transfers).toBeUndefined();
  });

  /** The package as a site that changed it after the fact would sign it. */
  function altered(change: (pkg: AnswerPackage) => void): Buffer {
    const bytes = readFileSync(join(dir, 'answers.exampkg'));
    const opened = readPackage(bytes, {
      trustedRootPem: site.pki.centre.certPem,
      recipientPrivateKeyPem: site.pki.centre.privateKeyPem,
      recipientCertPem: site.pki.centre.certPem,
      expectedKind: 'answers',
      allowedSignerRoles: ['site'],
      now: new Date(site.clock.now()),
    });
    const pkg = JSON.parse(opened.payload.toString('utf8'));
    change(pkg);
    return writePackage({
      kind: 'answers',
      payload: Buffer.from(JSON.stringify(pkg)),
      meta: opened.manifest.meta,
      signerCertPem: site.pki.site.certPem,
      signerPrivateKeyPem: site.pki.site.privateKeyPem,
      recipientCertPem: site.pki.centre.certPem,
      now: new Date(site.clock.now()),
    });
  }
  const moved = (pkg: AnswerPackage) => pkg.candidates.find((c) => c.ticketNo === t(1, 5).ticketNo)!;

  it('is refused by the centre when a transfer is left out or the answers are placed in the sending room', () => {
    const verify = (bytes: Buffer) => () =>
      verifyAnswerPackage(bytes, site.pki.centre, new Date(site.clock.now()));
    expect(verify(altered((pkg) => delete moved(pkg).transfers))).toThrow(/leaves out/);
    expect(
      verify(
        altered((pkg) => {
          moved(pkg).roomId = 'R1';
        }),
      ),
    ).toThrow(/taken in by R2 but the package places/);
    expect(
      verify(
        altered((pkg) => {
          moved(pkg).transfers![0]!.toRoomId = 'R3';
        }),
      ),
    ).toThrow(/no matching audit event/);
  });
});
