import { describe, expect, it } from 'vitest';
import type { StandaloneMachineView, StandalonePackageView } from '../../shared/api.js';
import { displayState } from './display.js';
import { translator } from './i18n.js';
import {
  codeGroups,
  collectSummary,
  exportErrorKey,
  isStandalone,
  pickMachine,
  standaloneTickets,
} from './standalone.js';
import { tileOf } from './testTiles.js';

const machine = (fingerprint: string, over: Partial<StandaloneMachineView> = {}): StandaloneMachineView => ({
  fingerprint,
  fingerprintText: fingerprint.slice(0, 16).toUpperCase().match(/.{4}/g)!.join('-'),
  machineId: fingerprint.slice(0, 12),
  roomId: 'R1',
  seatNo: '3',
  busy: false,
  ...over,
});
const A = `3f2a91c07d110b9e${'1'.repeat(48)}`;
const B = `3f2a91c0aaaaaaaa${'2'.repeat(48)}`;
const C = `77aa0000bbbb0000${'3'.repeat(48)}`;
const machines = [machine(A), machine(B), machine(C, { busy: true })];

const pkg = (over: Partial<StandalonePackageView>): StandalonePackageView => ({
  packageId: 'ab'.repeat(16),
  sittingId: 'S-J-ECON',
  ticketNo: '210400100001',
  name: '张三',
  targetMachineFingerprint: A,
  state: 'exported',
  exportedAt: '2021-10-23T01:00:00.000Z',
  consentBy: '主考',
  reason: '考试机故障',
  collectedAt: null,
  collectedChanges: 0,
  lastFileSeq: 0,
  ...over,
});

describe('picking the target machine', () => {
  it('takes the fingerprint as the candidate’s screen shows it, dashes, spaces and case as typed', () => {
    expect(pickMachine('3F2A-91C0-7D11-0B9E', machines)).toMatchObject({ ok: true, fingerprint: A });
    expect(pickMachine(' 3f2a 91c0 7d11 ', machines)).toMatchObject({ ok: true, fingerprint: A });
    expect(pickMachine('77AA-0000', machines)).toMatchObject({
      ok: true,
      fingerprint: C,
      machine: { busy: true },
    });
  });

  it('asks for more when two machines start alike, and refuses what names no approved machine', () => {
    expect(pickMachine('3F2A-91C0', machines)).toEqual({ ok: false, why: 'ambiguous' });
    expect(pickMachine('0000-0000-0000-0000', machines)).toEqual({ ok: false, why: 'unknown' });
    expect(pickMachine('3F2A', machines)).toEqual({ ok: false, why: 'malformed' });
    expect(pickMachine('3F2G-91C0-7D11-0B9E', machines)).toEqual({ ok: false, why: 'malformed' });
    expect(pickMachine('', machines)).toEqual({ ok: false, why: 'empty' });
  });

  it('passes a whole fingerprint through even with no list (the site checks it is approved)', () => {
    const whole = 'ef'.repeat(32);
    expect(pickMachine(whole.toUpperCase(), [])).toEqual({ ok: true, fingerprint: whole, machine: null });
  });
});

describe('the code, the tiles and the sentences', () => {
  it('shows the authorization code in three groups of four', () => {
    expect(codeGroups('7K3M-Q9XD-2HPA')).toEqual(['7K3M', 'Q9XD', '2HPA']);
    expect(codeGroups('7k3mq9xd2hpa')).toEqual(['7K3M', 'Q9XD', '2HPA']);
  });

  it('marks a candidate with a package out as 单机考试中 until it is collected or cancelled', () => {
    const tile = tileOf({ status: 'answering', online: false });
    const out = standaloneTickets([pkg({})]);
    expect(displayState(tile, isStandalone(out, tile.ticketNo, tile.sittingId))).toBe('standalone');
    expect(translator('zh-CN')('state.standalone')).toBe('单机考试中');
    for (const state of ['collected', 'cancelled'] as const) {
      const done = standaloneTickets([pkg({ state })]);
      expect(displayState(tile, isStandalone(done, tile.ticketNo, tile.sittingId))).toBe('answering');
    }
    // A package the site names with its sitting marks that sitting only.
    const other = standaloneTickets([pkg({ sittingId: 'S-J-PRAC' })]);
    expect(isStandalone(other, tile.ticketNo, tile.sittingId)).toBe(false);
    // Handed in is handed in, whatever the list says.
    expect(displayState(tileOf({ status: 'handed-in' }), true)).toBe('handed-in');
    // Released for the package (a reset underneath), then handed in there and collected.
    expect(displayState(tileOf({ status: 'handed-in', resetPending: true }))).toBe('handed-in');
  });

  it('words a collection with its figures and whether the candidate handed in', () => {
    const zh = translator('zh-CN');
    const base = { packageId: 'p', ticketNo: '210400100001', merged: 5, alreadyHeld: 2, refusedAfterEnd: 1 };
    const handed = collectSummary({ ...base, handedIn: true, state: 'collected' });
    expect(zh(handed.key, handed.params)).toBe(
      '已回收 210400100001 的作答：合并 5 条，已有 2 条，考试结束后的 1 条未采用。考生已交卷。',
    );
    const notYet = collectSummary({ ...base, handedIn: false, state: 'exported' });
    expect(zh(notYet.key, notYet.params)).toContain('没有交卷记录');
  });

  it('says the site server is unavailable when an export could not reach it', () => {
    const zh = translator('zh-CN');
    const key = exportErrorKey({ code: 'OFFLINE', message: 'x' });
    expect(key && zh(key)).toBe('考点服务器不可用，无法导出单机考试包');
    expect(exportErrorKey({ code: 'TIMEOUT', message: 'x' })).toBe('standalone.exportUnknown');
    expect(exportErrorKey({ code: 'CONSENT_REFUSED', message: 'x' })).toBeNull();
  });
});
