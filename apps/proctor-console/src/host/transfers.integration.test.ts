import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idNumberFor, ticketFor } from '@exam/centre';
import type { Ack, EndChecklist, LoginResult, TransferView } from '@exam/protocol';
import { approvedMachine, call, connected, rawSocket, startTestSite, type TestSite } from '@exam/testkit';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomReplica } from '../core/replica.js';
import { translator } from '../renderer/model/i18n.js';
import { historyText } from '../renderer/ui/historyText.js';
import type { CandidateDetailView, HostPush, HostResult } from '../shared/api.js';
import { proctorKeyFile, TEST_PIN } from '../testing/consoleHarness.js';
import { eventually } from '../testing/eventually.js';
import { ProctorHost } from './proctorHost.js';
import { openProctorKey } from './proctorKey.js';

/**
 * The console's side of an overbooked site (issue 19) over a real site server: two rooms'
 * hosts, the random seat at entry, a full room, a transfer out seen by the other room, taken
 * in there (refused first with the room's figures), one resolved by the sending room, and the
 * room's part of the transfer report kept in the console's folder.
 */
const SITTING = 'S-J-ECON';
const PER_ROOM = 5;
const who = (room: number, k: number) => ({
  ticketNo: ticketFor(room, k),
  idNumber: idNumberFor((room - 1) * PER_ROOM + k),
});
let site: TestSite;
const sockets: Socket[] = [];
const rooms = new Map<string, { host: ProctorHost; pushes: HostPush[]; dataDir: string }>();

async function machine(roomId: string, seatNo: number): Promise<Socket> {
  const s = rawSocket(site.url, 'candidate');
  sockets.push(s);
  await connected(s);
  await approvedMachine(site.url, s, { roomId, seatNo, machineId: `host-${roomId}-${seatNo}` });
  return s;
}

const room = (roomId: string) => rooms.get(roomId)!;
const invoke = <T>(roomId: string, name: string, args: unknown) =>
  room(roomId).host.invoke(name, args) as Promise<HostResult<T>>;
async function must<T>(roomId: string, name: string, args: unknown): Promise<T> {
  const r = await invoke<T>(roomId, name, args);
  if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
  return r.value;
}
/** The transfers the renderer of a room was last told of. */
const pushed = (roomId: string) =>
  room(roomId)
    .pushes.filter((p): p is Extract<HostPush, { type: 'transfers' }> => p.type === 'transfers')
    .at(-1)?.transfers ?? null;

beforeAll(async () => {
  site = await startTestSite({ rooms: 2, perRoom: PER_ROOM, roomSeats: [4, 4], overbooked: true, items: 3 });
  for (const roomId of ['R1', 'R2']) {
    const dataDir = mkdtempSync(join(tmpdir(), `transfers-${roomId}-`));
    const host = new ProctorHost({ serverUrl: site.url, connectTimeoutMs: 10_000, dataDir });
    const pushes: HostPush[] = [];
    host.subscribe((p) => pushes.push(p));
    await host.connect(openProctorKey(proctorKeyFile(site, roomId).p12, TEST_PIN), site.url);
    rooms.set(roomId, { host, pushes, dataDir });
    await must(roomId, 'openLogin', { sittingId: SITTING });
  }
}, 60_000);

afterAll(async () => {
  for (const r of rooms.values()) r.host.close();
  for (const s of sockets) s.disconnect();
  await site?.stop();
});

describe('the console at an overbooked site', () => {
  let out: TransferView;

  it('tells the renderer the site has no transfers yet', () => {
    expect(pushed('R1')).toEqual([]);
  });

  it('draws a random free seat for an arriving candidate, never a declined one while others are free', async () => {
    const [m1, m2] = [await machine('R1', 1), await machine('R1', 2)];
    const first = await must<{ seatNo: number; free: number }>('R1', 'drawSeat', {
      ticketNo: who(1, 1).ticketNo,
    });
    expect([1, 2]).toContain(first.seatNo);
    expect(first.free).toBe(2);
    const other = first.seatNo === 1 ? 2 : 1;
    const again = await must<{ seatNo: number }>('R1', 'drawSeat', {
      ticketNo: who(1, 1).ticketNo,
      exclude: [first.seatNo],
    });
    expect(again.seatNo).toBe(other);
    await must('R1', 'assignSeat', { ticketNo: who(1, 1).ticketNo, seatNo: other });
    const sockets = { 1: m1, 2: m2 } as const;
    const login = await call<Ack<LoginResult>>(sockets[other as 1 | 2], 'candidate:login', who(1, 1));
    expect(login).toMatchObject({ ok: true, value: { candidate: { seatNo: other } } });
    const there = await call<Ack<LoginResult>>(sockets[first.seatNo as 1 | 2], 'candidate:login', who(1, 2));
    expect(there.ok).toBe(true);
  });

  it('says in words when no seat is left, with the figure', async () => {
    const r = await invoke('R1', 'drawSeat', { ticketNo: who(1, 3).ticketNo });
    expect(r).toMatchObject({ ok: false, error: { code: 'NO_FREE_SEAT', details: { machines: 2 } } });
  });

  it('refuses a transfer out without a reason, or of a bad ticket, and changes nothing', async () => {
    for (const args of [
      { ticketNo: who(1, 3).ticketNo, reason: '' },
      { ticketNo: 'abc', reason: '考场已满' },
      { ticketNo: who(1, 3).ticketNo, reason: '考场已满', extra: 1 },
    ]) {
      expect(await invoke('R1', 'transferOut', args)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_MESSAGE' },
      });
    }
    expect(await invoke('R1', 'resolveTransfer', { transferId: 1, outcome: 'gone', note: '' })).toMatchObject(
      {
        ok: false,
        error: { code: 'INVALID_MESSAGE' },
      },
    );
    expect((await must<{ transfers: TransferView[] }>('R1', 'openTransfers', {})).transfers).toEqual([]);
  });

  it('transfers the late arrival out, and the other room’s console is told', async () => {
    out = (
      await must<{ transfer: TransferView }>('R1', 'transferOut', {
        ticketNo: who(1, 3).ticketNo,
        reason: '考场已满',
      })
    ).transfer;
    expect(out).toMatchObject({ state: 'out', fromRoomId: 'R1', reason: '考场已满', outBy: '监考R1' });
    await eventually(() => pushed('R2')?.map((x) => [x.ticketNo, x.state])).toEqual([
      [who(1, 3).ticketNo, 'out'],
    ]);
    expect(pushed('R1')?.map((x) => x.transferId)).toEqual([out.transferId]);
  });

  it('refuses the take-in at a room with no machine for one more, with its figures, then takes them in', async () => {
    const r2 = await machine('R2', 1);
    expect((await call<Ack<LoginResult>>(r2, 'candidate:login', who(2, 1))).ok).toBe(true);
    expect(await invoke('R2', 'transferIn', { transferId: out.transferId })).toMatchObject({
      ok: false,
      error: { code: 'ROOM_FULL', details: { present: 1, takenIn: 0, machines: 1 } },
    });
    const spare = await machine('R2', 2);
    const taken = await must<{ transfer: TransferView }>('R2', 'transferIn', { transferId: out.transferId });
    expect(taken.transfer).toMatchObject({ state: 'in', toRoomId: 'R2', toRoomName: '第2考场' });
    // The sending room sees where the candidate went.
    await eventually(() => pushed('R1')?.find((x) => x.transferId === out.transferId)?.toRoomName).toBe(
      '第2考场',
    );
    // Nor does it list them any more: the renderer is told the tile left.
    await eventually(() =>
      room('R1').pushes.some(
        (p) => p.type === 'delta' && p.removed?.includes(`${who(1, 3).ticketNo}:${SITTING}`),
      ),
    ).toBe(true);
    expect(await call<Ack<LoginResult>>(spare, 'candidate:login', who(1, 3))).toMatchObject({
      ok: true,
      value: { candidate: { seatNo: 2 } },
    });
  });

  it('shows both steps on the candidate’s history at the receiving console, in words', async () => {
    const detail = await must<CandidateDetailView>('R2', 'candidateDetail', {
      sittingId: SITTING,
      ticketNo: who(1, 3).ticketNo,
    });
    const zh = translator('zh-CN');
    const lines = detail.history.map((h) => [h.kind, historyText(zh, 'zh-CN', h)]);
    expect(lines).toEqual(
      expect.arrayContaining([
        ['transferOut', '从 R1 调出（原因：考场已满）'],
        ['transferIn', '由 R2 调入（自 R1）'],
      ]),
    );
    expect(lines.map(([kind]) => kind)).toContain('login');
  });

  it('blocks the sending room’s end checklist with a transfer no room took, until it is resolved', async () => {
    const open = (
      await must<{ transfer: TransferView }>('R1', 'transferOut', {
        ticketNo: who(1, 4).ticketNo,
        reason: '迟到，考场已满',
      })
    ).transfer;
    const before = await must<EndChecklist>('R1', 'checklist', { sittingId: SITTING });
    expect(before.items.find((i) => i.key === 'transfers-resolved')).toMatchObject({
      ok: false,
      tickets: [who(1, 4).ticketNo],
    });
    // The receiving room cannot resolve another room's transfer.
    expect(
      await invoke('R2', 'resolveTransfer', { transferId: open.transferId, outcome: 'absent', note: '' }),
    ).toMatchObject({ ok: false });
    const resolved = await must<{ transfer: TransferView }>('R1', 'resolveTransfer', {
      transferId: open.transferId,
      outcome: 'absent',
      note: '未到接收考场',
    });
    expect(resolved.transfer).toMatchObject({ state: 'resolved', outcome: 'absent', resolvedBy: '监考R1' });
    const detail = await must<CandidateDetailView>('R1', 'candidateDetail', {
      sittingId: SITTING,
      ticketNo: who(1, 4).ticketNo,
    });
    const last = detail.history.find((h) => h.kind === 'transferResolved')!;
    expect(historyText(translator('zh-CN'), 'zh-CN', last)).toBe('调出未调入，已处理：缺考（未到接收考场）');
    await eventually(() => pushed('R1')?.find((x) => x.transferId === open.transferId)?.state).toBe(
      'resolved',
    );
    const after = await must<EndChecklist>('R1', 'checklist', { sittingId: SITTING });
    expect(after.items.find((i) => i.key === 'transfers-resolved')).toMatchObject({ ok: true });
  });

  it('keeps the room’s transfers in its replica’s room picture, which its backup carries', async () => {
    const replica = RoomReplica.open(join(room('R1').dataDir, 'replica-SITE-T-R1.sqlite'), { roomId: 'R1' });
    try {
      await eventually(() =>
        replica
          .snapshot()
          ?.transfers?.map((x) => [x.ticketNo, x.state])
          .sort(),
      ).toEqual([
        [who(1, 3).ticketNo, 'in'],
        [who(1, 4).ticketNo, 'resolved'],
      ]);
    } finally {
      replica.close();
    }
  });

  it('prints the room’s part of the transfer report and keeps it in the console’s folder', async () => {
    const r = await must<{ fileName: string; savedTo: string | null }>('R1', 'transferReport', {
      sittingId: SITTING,
    });
    expect(r.savedTo).toBeTruthy();
    expect(r.savedTo!.startsWith(join(room('R1').dataDir, 'reports'))).toBe(true);
    expect(existsSync(r.savedTo!)).toBe(true);
    const text = execFileSync('pdftotext', ['-layout', r.savedTo!, '-'], { encoding: 'utf8' });
    expect(text).toContain('应试人员跨考场调动单');
    expect(text).toContain(who(1, 3).ticketNo);
    expect(text).toContain(who(1, 4).ticketNo);
    expect(text).toContain('第2考场');
    expect(text).toContain('缺考');
    // The renderer may read back only what the console saved.
    const back = await must<{ base64: string }>('R1', 'readSaved', { path: r.savedTo });
    expect(Buffer.from(back.base64, 'base64').equals(readFileSync(r.savedTo!))).toBe(true);
    expect(await invoke('R1', 'transferReport', { sittingId: 'NOPE' })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_SITTING' },
    });
  });
});
