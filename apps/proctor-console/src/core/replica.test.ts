import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decryptPackageV2, PackageError, verifyPackageV2 } from '@exam/crypto';
import type { AnswerValue, ReplicaChange, RoomSnapshot } from '@exam/protocol';
import { testPki } from '@exam/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ReplicaBackup, ReplicaRoomMismatchError, RoomReplica } from './replica.js';
import { RoomState } from './roomState.js';

let dir: string;
let replica: RoomReplica;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'replica-'));
  replica = RoomReplica.open(join(dir, 'room.db'), { roomId: 'R1' });
});

afterEach(() => {
  replica.close();
  rmSync(dir, { recursive: true, force: true });
});

const T1 = '2021010100101';
const T2 = '2021010100102';

function change(ticketNo: string, seq: number, itemId = 'J-001', value: AnswerValue = 'A'): ReplicaChange {
  return {
    ticketNo,
    sittingId: 'S-J-ECON',
    seq,
    itemId,
    value,
    flagged: false,
    madeAt: 900 + seq,
    receivedAt: 1_000 + seq,
  };
}

function snapshot(overrides: Partial<RoomSnapshot> = {}): RoomSnapshot {
  return {
    roomId: 'R1',
    roomName: '第一考场',
    seats: 30,
    serverNow: 1_634_950_000_000,
    sittings: [
      {
        sittingId: 'S-J-ECON',
        subjectName: '经济',
        scheduledStart: 1_634_950_200_000,
        loginOpenedAt: null,
        startedAt: null,
        endedAt: null,
      },
    ],
    candidates: [],
    machines: [],
    alerts: [],
    joinRequests: [],
    ...overrides,
  };
}

describe('room replica', () => {
  it('stores a change pushed and then pulled again only once', () => {
    expect(replica.applyChanges([change(T1, 1), change(T1, 2)])).toBe(2);
    expect(replica.applyChanges([change(T1, 2), change(T1, 3)])).toBe(1);
    expect(replica.countChanges()).toBe(3);
  });

  it('keeps the first copy of a sequence, as the server does', () => {
    replica.applyChanges([change(T1, 1, 'J-001', 'A')]);
    replica.applyChanges([change(T1, 1, 'J-001', 'D')]);
    expect(replica.latestAnswers('S-J-ECON', T1)).toEqual([
      { itemId: 'J-001', value: 'A', flagged: false, seq: 1 },
    ]);
  });

  it('gives the answer of the highest sequence per item, whatever the arrival order', () => {
    replica.applyChanges([change(T1, 3, 'J-001', 'C'), change(T1, 2, 'J-004', ['A', 'B'])]);
    replica.applyChanges([change(T1, 1, 'J-001', 'A')]);
    expect(replica.latestAnswers('S-J-ECON', T1)).toEqual([
      { itemId: 'J-001', value: 'C', flagged: false, seq: 3 },
      { itemId: 'J-004', value: ['A', 'B'], flagged: false, seq: 2 },
    ]);
    expect(replica.latestAnswers('S-J-ECON', T2)).toEqual([]);
  });

  it('reports the highest sequence held per candidate, and separately how far it holds every one', () => {
    replica.applyChanges([change(T1, 1), change(T1, 2), change(T1, 4), change(T2, 2), change(T2, 3)]);
    expect(replica.have('S-J-ECON')).toEqual({ [T1]: 4, [T2]: 3 });
    // T1 misses 3 and T2 misses 1: a pull must ask for them, not above the highest.
    expect(replica.heldThrough('S-J-ECON')).toEqual({ [T1]: 2 });
    expect(replica.have('S-OTHER')).toEqual({});
  });

  it('pulls each sitting above what it holds contiguously and fills the gaps', async () => {
    replica.applyChanges([change(T1, 1), change(T1, 3)]);
    const asked: [string, Record<string, number>][] = [];
    const server = [change(T1, 1), change(T1, 2), change(T1, 3), change(T2, 1)];
    const added = await replica.pull(['S-J-ECON', 'S-SENIOR'], async (sittingId, have) => {
      asked.push([sittingId, have]);
      return sittingId === 'S-J-ECON' ? server.filter((c) => c.seq > (have[c.ticketNo] ?? 0)) : [];
    });
    expect(asked).toEqual([
      ['S-J-ECON', { [T1]: 1 }],
      ['S-SENIOR', {}],
    ]);
    expect(added).toBe(2);
    expect(replica.have('S-J-ECON')).toEqual({ [T1]: 3, [T2]: 1 });
  });

  it('skips a malformed change without losing the rest of the push', () => {
    const errors: Error[] = [];
    replica.close();
    replica = RoomReplica.open(join(dir, 'room.db'), { roomId: 'R1', onError: (e) => errors.push(e) });
    const noTimeMade = { ...change(T1, 4), madeAt: undefined };
    expect(
      replica.applyChanges([change(T1, 1), { ...change(T1, 2), seq: 'two' }, change(T1, 3), noTimeMade]),
    ).toBe(2);
    expect(replica.have('S-J-ECON')).toEqual({ [T1]: 3 });
    expect(errors.map((e) => e.message)).toEqual(['skipped 2 malformed replica change(s)']);
  });

  it('refuses to open a file that belongs to another room', () => {
    expect(() => RoomReplica.open(join(dir, 'room.db'), { roomId: 'R2' })).toThrow(ReplicaRoomMismatchError);
  });

  it('keeps its answers and room picture across a close and reopen', () => {
    replica.applyChanges([change(T1, 1), change(T2, 1)]);
    replica.saveSnapshot(snapshot());
    replica.close();
    replica = RoomReplica.open(join(dir, 'room.db'), { roomId: 'R1' });
    expect(replica.countChanges()).toBe(2);
    expect(replica.snapshot()).toEqual(snapshot());
  });

  it('writes the first room picture at once and coalesces the following ones into the newest', () => {
    replica.close();
    replica = RoomReplica.open(join(dir, 'room.db'), { roomId: 'R1', snapshotIntervalMs: 60_000 });
    const state = new RoomState(() => 0);
    state.applySnapshot(snapshot());
    replica.noteRoomState(state);
    expect(replica.snapshot()?.alerts).toEqual([]);
    const alert = {
      id: 7,
      at: 1,
      machineId: 'm',
      seatNo: 1,
      ticketNo: null,
      kind: 'focus-lost',
      detail: null,
    };
    state.applyAlert(alert);
    replica.noteRoomState(state);
    // Within the interval the newer picture waits; closing writes it rather than dropping it.
    expect(replica.snapshot()?.alerts).toEqual([]);
    replica.close();
    replica = RoomReplica.open(join(dir, 'room.db'), { roomId: 'R1' });
    expect(replica.snapshot()?.alerts).toEqual([alert]);
  });
});

describe('backup export', () => {
  const pki = testPki();
  const proctor = pki.proctors.get('R1')!;
  const open = (bytes: Buffer, by: { certPem: string; privateKeyPem: string } = pki.centre) => {
    const verified = verifyPackageV2(bytes, {
      expectedKind: 'backup',
      signer: 'certificate',
      trustedRootPem: pki.centre.certPem,
      allowedSignerRoles: ['proctor'],
      now: new Date('2021-10-23T00:45:00Z'),
    });
    const signer = verified.signer.kind === 'certificate' ? verified.signer.certificate : null;
    return {
      manifest: verified.manifest,
      signer: signer!,
      payload: decryptPackageV2(verified, { kind: 'certificate', ...by }),
    };
  };
  // Sealed for the province and the centre root (issue 18).
  const exportNow = () =>
    replica.exportBackup({
      signerCertPem: proctor.certPem,
      signerPrivateKeyPem: proctor.privateKeyPem,
      recipientCertPems: [pki.province.certPem, pki.centre.certPem],
      now: new Date('2021-10-23T00:45:00Z'),
    });

  it('writes a backup package, signed by the proctor key, that the centre opens', () => {
    replica.applyChanges([change(T1, 1), change(T1, 2, 'J-004', ['A', 'C']), change(T2, 1)]);
    replica.saveSnapshot(snapshot());
    const opened = open(exportNow());
    expect(opened.manifest.kind).toBe('backup');
    expect(opened.signer.subject.role).toBe('proctor');
    expect(opened.manifest.meta).toEqual({ roomId: 'R1', changes: 3 });
    const backup = JSON.parse(opened.payload.toString('utf8')) as ReplicaBackup;
    expect(backup).toEqual({
      roomId: 'R1',
      exportedAt: '2021-10-23T00:45:00.000Z',
      snapshot: snapshot(),
      changes: [change(T1, 1), change(T1, 2, 'J-004', ['A', 'C']), change(T2, 1)],
    });
  });

  it('is opened by the province as well as by the centre, and by no one else', () => {
    replica.applyChanges([change(T1, 1)]);
    const bytes = exportNow();
    expect(open(bytes, pki.province).payload.equals(open(bytes).payload)).toBe(true);
    expect(() => open(bytes, pki.site)).toThrow(/other recipients/);
  });

  it('refuses an altered copy, in the payload or in the manifest', () => {
    replica.applyChanges([change(T1, 1)]);
    const bytes = exportNow();
    const payloadAltered = Buffer.from(bytes);
    payloadAltered[payloadAltered.length - 1]! ^= 0x01;
    expect(() => open(payloadAltered)).toThrow(PackageError);
    const manifestAltered = Buffer.from(bytes.toString('latin1').replace('"R1"', '"R2"'), 'latin1');
    expect(manifestAltered.equals(bytes)).toBe(false);
    expect(() => open(manifestAltered)).toThrow(PackageError);
  });
});
