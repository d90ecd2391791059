import { describe, expect, it } from 'vitest';
import { ProctorCommandError } from '../core/index.js';
import { buildOfflinePackage, NO_KEY_AFTER_RESTART, type OfflineBuildInput } from './standaloneOffline.js';

/**
 * The refusals of an offline export that need no site at all: each a clear sentence, nothing
 * built. The whole path (a real site stopped and restarted) is standaloneOffline.integration.test.ts.
 */
const kit: NonNullable<OfflineBuildInput['kit']> = {
  siteId: 'SITE-T',
  siteCertPem: 'site',
  centreCertPem: 'centre',
  sittings: [
    {
      sittingId: 'S1',
      title: '经济',
      earliestHandInRemainingMs: null,
      sealedPaper: 'sealed',
      proof: { paperId: 'P1', paperSha256: 'a'.repeat(64), signature: 'AAAA' },
      sittingKey: null,
    },
  ],
  candidates: [
    {
      ticketNo: '210400100001',
      sittingId: 'S1',
      name: '张三',
      photo: null,
      idCheck: { salt: 'a'.repeat(32), hash: 'b'.repeat(64) },
    },
  ],
  machines: [{ fingerprint: 'c'.repeat(64), machineId: 'm', roomId: 'R1', seatNo: '3', busy: false }],
};

const input = (over: Partial<OfflineBuildInput> = {}): OfflineBuildInput => ({
  kit,
  sittingKey: 'a2V5',
  tile: undefined,
  changes: [],
  serverNow: 1_000_000,
  roomId: 'R1',
  ticketNo: '210400100001',
  sittingId: 'S1',
  targetMachineFingerprint: 'c'.repeat(64),
  reason: '考点服务器故障',
  chief: { certPem: 'x', privateKeyPem: 'y', commonName: '主考' },
  ...over,
});

function refusal(o: OfflineBuildInput): { code: string; message: string } {
  try {
    buildOfflinePackage(o);
  } catch (e) {
    if (e instanceof ProctorCommandError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('built');
}

describe('an offline export refused before anything is built', () => {
  it('after a restart with the site down: the key was in memory only', () => {
    expect(refusal(input({ sittingKey: undefined }))).toEqual({
      code: 'OFFLINE_NO_KEY',
      message: NO_KEY_AFTER_RESTART,
    });
  });

  it('without the kit, for a candidate or a machine the kit does not name, and without a running sitting', () => {
    expect(refusal(input({ kit: null })).code).toBe('OFFLINE_NO_KIT');
    expect(refusal(input({ ticketNo: '210400100009' })).code).toBe('UNKNOWN_TICKET');
    expect(refusal(input({ targetMachineFingerprint: 'd'.repeat(64) })).code).toBe('MACHINE_NOT_APPROVED');
    expect(refusal(input()).code).toBe('NOT_ALLOWED_NOW');
  });
});
