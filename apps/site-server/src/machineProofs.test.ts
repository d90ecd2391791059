import { idNumberFor, ticketFor } from '@exam/centre';
import { generateMachineKeyPair, signMachineProof, siteTlsClientOptions } from '@exam/crypto';
import {
  type Ack,
  type JoinRequest,
  type MachineStatus,
  machineProofText,
  NAMESPACES,
  PROTOCOL_VERSION,
  type RoomAlert,
  type RoomSnapshot,
} from '@exam/protocol';
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
  testTrust,
} from '@exam/testkit';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Machines that prove who they are (issue 16, point 4). The attacks a box on the exam-room
 * LAN tried while room, seat and machine ID were self-declared in `machine:register`: claim
 * the victim's seat and log in as them, spoof the victim's machine ID. Each must fail now.
 */
let site: TestSite;
let proctor: Socket;
const sockets: Socket[] = [];
const VICTIM = { roomId: 'R1', seatNo: 1, machineId: 'victim-machine', ticketNo: ticketFor(1, 1) };

beforeAll(async () => {
  site = await startTestSite({ rooms: 2, perRoom: 4 });
  proctor = await proctorSocket(site, 'R1');
  sockets.push(proctor);
  expect(await call(proctor, 'login:open', { sittingId: 'S-J-ECON' })).toMatchObject({ ok: true });
  // The victim's own machine was approved for seat 1 at the machine check.
  const victim = await candidate();
  await approvedMachine(site.url, victim, VICTIM);
  victim.disconnect();
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await site.stop();
});

async function candidate(localAddress?: string): Promise<Socket> {
  const s = localAddress
    ? io(`${site.url}${NAMESPACES.candidate}`, {
        ...siteTlsClientOptions(testTrust()),
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        auth: { protocolVersion: PROTOCOL_VERSION },
        // Another box on the LAN: the same loopback server seen from another address.
        localAddress,
      } as Parameters<typeof io>[1])
    : rawSocket(site.url, 'candidate');
  sockets.push(s);
  await connected(s);
  return s;
}

const codeOf = (r: Ack<unknown>) => (r.ok ? 'ok' : r.error.code);
const victimLogin = { ticketNo: VICTIM.ticketNo, idNumber: idNumberFor(1) };

function auditActions(action: string): Record<string, unknown>[] {
  return (
    site.server.ctx.db.prepare('SELECT data FROM audit_events WHERE action = ? ORDER BY seq').all(action) as {
      data: string;
    }[]
  ).map((r) => JSON.parse(r.data));
}

describe('a box on the LAN', () => {
  it('claiming the victim’s seat cannot log in as the victim: it was never approved', async () => {
    const box = await candidate();
    const status = await proveMachine(box, 'attacker-box');
    expect(status).toEqual({ status: 'unknown', fingerprint: testMachineFingerprint('attacker-box') });
    // It asks for the victim's seat: that only puts a request in front of the proctor.
    expect(await call(box, 'machine:join', { roomId: 'R1', seatNo: 1 })).toMatchObject({
      ok: true,
      value: { status: 'pending', roomId: 'R1', seatNo: 1 },
    });
    expect(codeOf(await call(box, 'candidate:login', victimLogin))).toBe('MACHINE_NOT_APPROVED');
    // Nothing changed for the victim: no session was issued, the candidate is not logged in.
    const row = site.server.ctx.db
      .prepare("SELECT machine_id FROM candidate_sittings WHERE ticket_no = ? AND sitting_id = 'S-J-ECON'")
      .get(VICTIM.ticketNo) as { machine_id: string | null };
    expect(row.machine_id).toBeNull();
    expect(await call(proctor, 'machine:refuse', { fingerprint: status.fingerprint })).toMatchObject({
      ok: true,
    });
  });

  it('that was not approved can do nothing but prove its key and ask to join', async () => {
    const box = await candidate();
    await proveMachine(box, 'unapproved-box');
    await call(box, 'machine:join', { roomId: 'R1', seatNo: 2 });
    const attempts: Record<string, unknown> = {
      'candidate:login': victimLogin,
      'candidate:resume': { sessionToken: 'x'.repeat(43) },
      'answer:save': { sittingId: 'S-J-ECON', changes: [{ seq: 1, itemId: 'J-001', value: 'A' }] },
      'answer:deliver': {
        sessionToken: 'x'.repeat(43),
        sittingId: 'S-J-ECON',
        changes: [{ seq: 1, itemId: 'J-001', value: 'A' }],
      },
      'exam:handIn': { sittingId: 'S-J-ECON' },
      'time:sync': {},
      'machine:check': passingMachineCheck(),
      'client:alert': { kind: 'focus-lost' },
      'notice:ack': { noticeId: 1 },
    };
    const got: Record<string, string> = {};
    for (const [event, payload] of Object.entries(attempts)) {
      got[event] = codeOf(await call<Ack<unknown>>(box, event, payload));
    }
    expect(got).toEqual(Object.fromEntries(Object.keys(attempts).map((e) => [e, 'MACHINE_NOT_APPROVED'])));
    // No alert and no check reached the console or the audit trail.
    expect(auditActions('client.alert')).toEqual([]);
    expect(auditActions('machine.checked')).toEqual([]);
  });

  it('presenting the victim’s public key without its private key is refused and disconnected', async () => {
    const box = await candidate();
    const own = generateMachineKeyPair();
    const hello = await call<Ack<{ challenge: string; siteId: string }>>(box, 'machine:hello', {
      publicKey: testMachineKey(VICTIM.machineId).publicKey,
      clientVersion: '1',
    });
    if (!hello.ok) throw new Error(hello.error.message);
    // A forged proof: signed with the box's own key.
    const forged = signMachineProof(
      own.privateKeyPem,
      machineProofText(hello.value.siteId, hello.value.challenge),
    );
    expect(codeOf(await call(box, 'machine:prove', { signature: forged }))).toBe('MACHINE_PROOF_FAILED');
    await expect.poll(() => box.connected).toBe(false);
  });

  it('replaying a proof the victim made on another connection is refused', async () => {
    // The victim's machine proves on its connection; the box captured that signature.
    const victim = await candidate();
    const key = testMachineKey(VICTIM.machineId);
    const vHello = await call<Ack<{ challenge: string; siteId: string }>>(victim, 'machine:hello', {
      publicKey: key.publicKey,
      clientVersion: '1',
    });
    if (!vHello.ok) throw new Error(vHello.error.message);
    const captured = signMachineProof(
      key.privateKeyPem,
      machineProofText(vHello.value.siteId, vHello.value.challenge),
    );
    expect(await call(victim, 'machine:prove', { signature: captured })).toMatchObject({
      ok: true,
      value: { status: 'approved', seatNo: 1 },
    });
    // The same signature again on the victim's own connection: the challenge was used up.
    expect(codeOf(await call(victim, 'machine:prove', { signature: captured }))).toBe('MACHINE_NOT_APPROVED');
    // And on the box's connection, with the victim's stolen fingerprint (its public key).
    const box = await candidate();
    await call(box, 'machine:hello', { publicKey: key.publicKey, clientVersion: '1' });
    expect(codeOf(await call(box, 'machine:prove', { signature: captured }))).toBe('MACHINE_PROOF_FAILED');
    await expect.poll(() => box.connected).toBe(false);
    victim.disconnect();
  });

  it('proving the approved key from another address alerts the room’s proctor', async () => {
    const alerted = new Promise<RoomAlert>((resolve) =>
      proctor.on('room:alert', (a: RoomAlert) => {
        if (a.kind === 'address-changed') resolve(a);
      }),
    );
    const moved = await candidate('127.0.0.2');
    expect(await proveMachine(moved, VICTIM.machineId)).toMatchObject({ status: 'approved', seatNo: 1 });
    const alert = await alerted;
    expect(alert).toMatchObject({
      kind: 'address-changed',
      seatNo: 1,
      machineId: testMachineFingerprint(VICTIM.machineId),
    });
    expect(alert.detail).toMatch(/127\.0\.0\.1.*→.*127\.0\.0\.2/);
    expect(auditActions('machine.addressChanged')).toMatchObject([
      {
        fingerprint: testMachineFingerprint(VICTIM.machineId),
        address: expect.stringContaining('127.0.0.2'),
      },
    ]);
    // The same address again is no news.
    moved.disconnect();
    const again = await candidate('127.0.0.2');
    await proveMachine(again, VICTIM.machineId);
    expect(auditActions('machine.addressChanged')).toHaveLength(1);
  });
});

describe('approving machines on the console', () => {
  it('lists a waiting machine, approves it for its seat and the machine takes that seat at once', async () => {
    const requests = new Promise<JoinRequest[]>((resolve) =>
      proctor.on('room:joinRequests', ({ requests }: { requests: JoinRequest[] }) => {
        if (requests.some((r) => r.fingerprint === testMachineFingerprint('seat-3'))) resolve(requests);
      }),
    );
    const m = await candidate();
    await proveMachine(m, 'seat-3', '0.9.1');
    await call(m, 'machine:join', { roomId: 'R1', seatNo: 3 });
    expect((await requests).find((r) => r.fingerprint === testMachineFingerprint('seat-3'))).toMatchObject({
      seatNo: 3,
      clientVersion: '0.9.1',
      remoteAddress: expect.stringContaining('127.0.0.1'),
    });
    const snapshot = await call<Ack<RoomSnapshot>>(proctor, 'room:subscribe', {});
    expect(snapshot.ok && snapshot.value.joinRequests.map((r) => r.fingerprint)).toContain(
      testMachineFingerprint('seat-3'),
    );
    // The R2 console cannot approve a machine waiting in R1.
    const r2 = await proctorSocket(site, 'R2');
    sockets.push(r2);
    expect(
      codeOf(await call(r2, 'machine:approve', { fingerprint: testMachineFingerprint('seat-3'), seatNo: 3 })),
    ).toBe('NO_JOIN_REQUEST');

    const approved = new Promise((resolve) => m.once('machine:approved', resolve));
    expect(
      await call(proctor, 'machine:approve', { fingerprint: testMachineFingerprint('seat-3'), seatNo: 3 }),
    ).toMatchObject({ ok: true, value: { retiredFingerprint: null } });
    expect(await approved).toMatchObject({ roomId: 'R1', seatNo: 3, roomName: '第1考场' });
    expect(auditActions('machine.approved').at(-1)).toMatchObject({
      fingerprint: testMachineFingerprint('seat-3'),
      seatNo: 3,
    });
    // The seat comes from the binding: seat 3's candidate logs in here, seat 4's does not.
    expect(
      codeOf(await call(m, 'candidate:login', { ticketNo: ticketFor(1, 4), idNumber: idNumberFor(4) })),
    ).toBe('WRONG_SEAT');
    expect(
      codeOf(await call(m, 'candidate:login', { ticketNo: ticketFor(1, 3), idNumber: idNumberFor(3) })),
    ).toBe('ok');
  });

  it('approving a spare for a seat retires the older machine, which is back to asking to join', async () => {
    const old = await candidate();
    await approvedMachine(site.url, old, { roomId: 'R1', seatNo: 4, machineId: 'seat-4-old' });
    const refused = new Promise((resolve) => old.once('machine:refused', resolve));
    const spare = await candidate();
    await proveMachine(spare, 'seat-4-spare');
    await call(spare, 'machine:join', { roomId: 'R1', seatNo: 4 });
    expect(
      await call(proctor, 'machine:approve', {
        fingerprint: testMachineFingerprint('seat-4-spare'),
        seatNo: 4,
      }),
    ).toMatchObject({ ok: true, value: { retiredFingerprint: testMachineFingerprint('seat-4-old') } });
    await refused;
    expect(codeOf(await call(old, 'time:sync', {}))).toBe('MACHINE_NOT_APPROVED');
    expect(auditActions('machine.retired').at(-1)).toMatchObject({
      fingerprint: testMachineFingerprint('seat-4-old'),
      replacedBy: testMachineFingerprint('seat-4-spare'),
    });
    const back = await candidate();
    expect(await proveMachine(back, 'seat-4-old')).toMatchObject({ status: 'unknown' });
    const snapshot = await call<Ack<RoomSnapshot>>(proctor, 'room:subscribe', {});
    expect(
      snapshot.ok && snapshot.value.machines.filter((t) => t.seatNo === 4).map((t) => t.machineId),
    ).toEqual([testMachineFingerprint('seat-4-spare')]);
  });

  it('refusing a request drops it and tells the machine; the binding outlives a restart', async () => {
    const m = await candidate();
    await proveMachine(m, 'refused-box');
    await call(m, 'machine:join', { roomId: 'R1', seatNo: 2 });
    const refused = new Promise((resolve) => m.once('machine:refused', resolve));
    expect(
      await call(proctor, 'machine:refuse', { fingerprint: testMachineFingerprint('refused-box') }),
    ).toMatchObject({ ok: true });
    await refused;
    expect(await proveMachine(await candidate(), 'refused-box')).toMatchObject({ status: 'unknown' });

    await site.restart();
    const after = await candidate();
    const status: MachineStatus = await proveMachine(after, 'seat-3');
    expect(status).toMatchObject({ status: 'approved', roomId: 'R1', seatNo: 3 });
    proctor = await proctorSocket(site, 'R1');
    sockets.push(proctor);
  });
});
