import { describe, expect, it } from 'vitest';
import { type ApprovalParams, issueApprovalCode, verifyApprovalCode } from './approvalCodes.js';

const key = Buffer.alloc(32, 7);
const params: ApprovalParams = {
  kind: 'extension',
  authority: 'province',
  siteId: 'S1',
  roomId: 'R1',
  sittingId: 'B1',
  date: '2021-10-23',
  tickets: ['210401000002', '210401000001'],
  minutes: 20,
};

describe('approval codes', () => {
  it('issues a 10-character code that verifies for exactly its parameters', () => {
    const code = issueApprovalCode(key, params, 3);
    expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(verifyApprovalCode(key, params, code)).toBe(true);
    expect(verifyApprovalCode(key, { ...params, tickets: ['210401000001', '210401000002'] }, code)).toBe(
      true,
    );
    for (const other of [
      { ...params, minutes: 21 },
      { ...params, roomId: 'R2' },
      { ...params, tickets: ['210401000001'] },
      { ...params, authority: 'centre' as const },
      { ...params, date: '2021-10-24' },
      { ...params, kind: 'delayed-start' as const },
    ]) {
      expect(verifyApprovalCode(key, other, code)).toBe(false);
    }
    expect(verifyApprovalCode(Buffer.alloc(32, 8), params, code)).toBe(false);
  });

  it('accepts what a person types: lower case, no dash, O for 0', () => {
    const code = issueApprovalCode(key, params, 0);
    const typed = code.replace('-', '').toLowerCase().replace(/0/g, 'o');
    expect(verifyApprovalCode(key, params, typed)).toBe(true);
  });

  it('gives different codes for different serials and refuses a changed character', () => {
    const a = issueApprovalCode(key, params, 1);
    const b = issueApprovalCode(key, params, 2);
    expect(a).not.toBe(b);
    const changed = `${a.slice(0, 7)}${a[7] === 'A' ? 'B' : 'A'}${a.slice(8)}`;
    expect(verifyApprovalCode(key, params, changed)).toBe(false);
  });
});
